namespace FaceAtlas.Core;

/// <summary>
/// Writes a file whole or not at all: beside it under a name of this write's own, then renamed over it. A reader
/// sees the old file or the new one, never half of one, even with two writers; a failed write leaves nothing behind.
/// The name is the process's and a random part, so that two threads of one process (two web requests for
/// thumbnails at once) never write the same scratch file.
/// </summary>
internal static class WholeFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = Temporary(path);
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

    /// <summary>The same for a file too large to hold in memory first: <paramref name="write"/> writes it to a stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var temporary = Temporary(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                write(stream);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    static string Temporary(string path) => $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
}
