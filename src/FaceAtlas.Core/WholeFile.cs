namespace FaceAtlas.Core;

/// <summary>
/// Writes a file whole or not at all: beside it under a name of this process's own, then renamed over it. A reader
/// sees the old file or the new one, never half of one, even with two writers; a failed write leaves nothing behind.
/// </summary>
internal static class WholeFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
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
