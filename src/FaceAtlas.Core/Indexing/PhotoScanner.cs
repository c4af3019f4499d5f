using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Export;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// The photo files under some roots, the paths that could not be read, and the folders left out because they are
/// FaceAtlas exports.
/// </summary>
public sealed record ScanResult(IReadOnlyList<PhotoFile> Photos, IReadOnlyList<PathProblem> Problems, IReadOnlyList<string> UnreadableFolders)
{
    public IReadOnlyList<string> ExportFolders { get; init; } = [];
}

/// <summary>
/// Walks folders recursively for photo files. Follows symbolic links to folders but never enters the same
/// folder twice, so a link loop is reported, not followed forever. A folder holding an export's manifest is not
/// entered: its files are links to (or copies of) photos the catalog has already, and indexing them would count
/// every exported photo twice, then export the exports (`faceatlas export ~/Pictures/People` is a natural place).
/// </summary>
public static class PhotoScanner
{
    /// <summary>Extensions looked at. The content decides the format; the name only decides what is a photo at all.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".gif", ".tif", ".tiff",
    };

    public static ScanResult Scan(IEnumerable<string> roots, CancellationToken cancel = default)
    {
        var photos = new List<PhotoFile>();
        var problems = new List<PathProblem>();
        var unreadable = new List<string>();
        var exports = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            if (ExportHolding(full) is { } export)
                exports.Add(export);
            else if (File.Exists(full))
                AddFile(new FileInfo(full), photos, problems, explicitlyNamed: true);
            else if (Directory.Exists(full))
                Walk(new DirectoryInfo(full), photos, problems, unreadable, exports, visited, cancel);
            else
                problems.Add(new PathProblem(full, "no such file or folder"));
        }
        photos.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ScanResult(photos, problems, unreadable) { ExportFolders = exports.Distinct().ToList() };
    }

    static void Walk(DirectoryInfo root, List<PhotoFile> photos, List<PathProblem> problems, List<string> unreadable,
        List<string> exports, HashSet<string> visited, CancellationToken cancel)
    {
        var pending = new Stack<DirectoryInfo>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var dir = pending.Pop();
            if (System.Text.Encoding.UTF8.GetByteCount(dir.FullName) >= MaxPathBytes)
            {
                problems.Add(new PathProblem(dir.FullName, $"path too long: over the system's limit of {MaxPathBytes:N0} bytes; skipped"));
                unreadable.Add(dir.FullName);
                continue;
            }
            string real;
            try
            {
                real = RealPath(dir);
            }
            catch (IOException e)
            {
                problems.Add(new PathProblem(dir.FullName, $"cannot resolve link: {e.Message}"));
                continue;
            }
            if (!visited.Add(real))
            {
                problems.Add(new PathProblem(dir.FullName, $"folder already scanned as {real} (symbolic link loop or duplicate); skipped"));
                continue;
            }
            FileSystemInfo[] entries;
            try
            {
                entries = dir.GetFileSystemInfos();
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                problems.Add(new PathProblem(dir.FullName, $"cannot list folder: {e.Message}"));
                unreadable.Add(dir.FullName);
                continue;
            }
            if (entries.Any(e => e is FileInfo && e.Name == PhotoExporter.ManifestName))
            {
                exports.Add(dir.FullName);
                continue;
            }
            foreach (var entry in entries)
            {
                if (entry is FileInfo && !Extensions.Contains(entry.Extension)) continue;
                // Named from the parent's path: .NET leaves an enumerated entry's FullName empty once it is too long.
                var path = Path.Join(dir.FullName, entry.Name);
                if (IsUnopenableName(entry.Name, path))
                    problems.Add(new PathProblem(path, UnopenableNameReason));
                else if (entry is DirectoryInfo)
                    pending.Push(new DirectoryInfo(path));
                else if (entry is FileInfo file)
                    AddFile(file, photos, problems, explicitlyNamed: false);
            }
        }
    }

    static void AddFile(FileInfo file, List<PhotoFile> photos, List<PathProblem> problems, bool explicitlyNamed)
    {
        try
        {
            if (file.LinkTarget is not null)
            {
                var target = file.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists)
                {
                    problems.Add(new PathProblem(file.FullName, "broken symbolic link"));
                    return;
                }
            }
            if (!explicitlyNamed && !Extensions.Contains(file.Extension))
                return;
            // Size and time of the file the link points to, since that is what gets read.
            file.Refresh();
            photos.Add(new PhotoFile(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new PathProblem(file.FullName, $"cannot read file information: {e.Message}"));
        }
    }

    /// <summary>The export folder <paramref name="path"/> lies in, itself included, or null (a root named inside an export).</summary>
    static string? ExportHolding(string path)
    {
        for (var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Join(dir, PhotoExporter.ManifestName)))
                return Path.TrimEndingDirectorySeparator(dir);
        return null;
    }

    /// <summary>Linux's PATH_MAX, counting the terminating zero: no system call takes a longer path.</summary>
    const int MaxPathBytes = 4096;

    const string UnopenableNameReason = "the name is not valid UTF-8 (shown with \uFFFD); rename it to index it";

    /// <summary>
    /// .NET turns a name's bytes that are not UTF-8 into U+FFFD, and the name it gets back then names nothing: such a
    /// file can be listed but not opened. Said as it is rather than as "file not found".
    /// </summary>
    static bool IsUnopenableName(string name, string path) => name.Contains('\uFFFD') && !Path.Exists(path);

    static string RealPath(DirectoryInfo dir)
    {
        var target = dir.LinkTarget is null ? null : dir.ResolveLinkTarget(returnFinalTarget: true);
        if (target is null) return Path.TrimEndingDirectorySeparator(dir.FullName);
        if (!target.Exists) throw new IOException("broken symbolic link");
        // The target itself may sit below other links; resolve its parents too by walking up.
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName));
    }
}
