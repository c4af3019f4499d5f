using System.Runtime.InteropServices;

namespace FaceAtlas.Core.Export;

/// <summary>Makes the export's entries. .NET has no hard-link API, so link(2) is called directly on Unix.</summary>
public static partial class FileLinker
{
    const int EXDEV = 18, EPERM = 1, EMLINK = 31, ENOTSUP = 95;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    /// <summary>Creates <paramref name="target"/> for <paramref name="source"/>; returns the mode actually used.</summary>
    public static ExportMode Create(string source, string target, ExportMode mode)
    {
        switch (mode)
        {
            case ExportMode.Symlink:
                File.CreateSymbolicLink(target, source);
                return ExportMode.Symlink;
            case ExportMode.HardLink when !OperatingSystem.IsWindows():
                if (Link(source, target) == 0) return ExportMode.HardLink;
                int errno = Marshal.GetLastPInvokeError();
                // Another file system, or one without hard links: a copy does the job.
                if (errno is not (EXDEV or EPERM or EMLINK or ENOTSUP))
                    throw new IOException($"cannot link {target} to {source}: {Marshal.GetPInvokeErrorMessage(errno)}");
                break;
        }
        File.Copy(source, target, overwrite: false);
        return ExportMode.Copy;
    }
}
