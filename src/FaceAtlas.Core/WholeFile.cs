namespace FaceAtlas.Core;

/// <summary>
/// Writes a file whole or not at all: beside it under a name of this write's own, then renamed over it. A reader
/// sees the old file or the new one, never half of one, even with two writers; a failed write leaves nothing behind.
/// The name is the process's and a random part: a name of the process alone was shared by the threads of one, and
/// two web requests for thumbnails at once (each tagging a new cache) renamed each other's file away (a 500).
/// </summary>
internal static class WholeFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone already when the move worked
        }
    }
}
