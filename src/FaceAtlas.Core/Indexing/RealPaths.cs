using System.Runtime.InteropServices;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// A file's one true path: every symbolic link on the way resolved, as realpath(3) gives it. Two paths name the
/// same file when their real paths are equal: ~/Pictures/a.jpg and /data/Pictures/a.jpg where ~/Pictures is a link.
/// .NET resolves only a path's last link, so libc is asked directly.
/// </summary>
internal static partial class RealPaths
{
    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    /// <summary>The real path of <paramref name="path"/>, or null where there is none (gone, unreadable, not Unix).</summary>
    public static string? Of(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            var resolved = RealPath(path, 0);
            if (resolved == 0) return null;
            try { return Marshal.PtrToStringUTF8(resolved); }
            finally { Free(resolved); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
