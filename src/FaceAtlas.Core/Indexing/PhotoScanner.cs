using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Export;
using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Core.Indexing;

/// <summary>A folder the scan did not enter on purpose, and why.</summary>
public sealed record LeftOutFolder(string Path, string Reason);

/// <summary>
/// The photo files under some roots, the paths that could not be read, and the folders left out on purpose
/// (FaceAtlas's exports and caches).
/// </summary>
public sealed record ScanResult(IReadOnlyList<PhotoFile> Photos, IReadOnlyList<PathProblem> Problems, IReadOnlyList<string> UnreadableFolders)
{
    public IReadOnlyList<LeftOutFolder> LeftOut { get; init; } = [];
}

/// <summary>
/// Walks folders recursively for photo files. Follows symbolic links to folders but never enters the same
/// folder twice, so a link loop is reported, not followed forever. Two kinds of folder are left out, whether met
/// on the way or named as a root (or a folder inside them is): an export, holding its manifest, whose files are
/// links to (or copies of) photos the catalog has already (indexing them would count every exported photo twice,
/// then export the exports; `faceatlas export ~/Pictures/People` is a natural place), and a folder tagged as a
/// cache (CACHEDIR.TAG), such as the thumbnails beside a catalog kept among the photos.
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
        var leftOut = new List<LeftOutFolder>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            if (LeftOutHolding(full) is { } folder)
                leftOut.Add(folder);
            else if (File.Exists(full))
                AddFile(new FileInfo(full), photos, problems, explicitlyNamed: true);
            else if (Directory.Exists(full))
                Walk(new DirectoryInfo(full), photos, problems, unreadable, leftOut, visited, cancel);
            else
                problems.Add(new PathProblem(full, "no such file or folder"));
        }
        photos.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ScanResult(photos, problems, unreadable) { LeftOut = leftOut.Distinct().ToList() };
    }

    static void Walk(DirectoryInfo root, List<PhotoFile> photos, List<PathProblem> problems, List<string> unreadable,
        List<LeftOutFolder> leftOut, HashSet<string> visited, CancellationToken cancel)
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
            if (entries.Any(e => e is FileInfo && e.Name is PhotoExporter.ManifestName or CacheTag.FileName)
                && LeftOutReason(dir.FullName) is { } reason)
            {
                leftOut.Add(new LeftOutFolder(Path.TrimEndingDirectorySeparator(dir.FullName), reason));
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

    /// <summary>The left-out folder <paramref name="path"/> lies in, itself included, or null (for a root named inside one).</summary>
    static LeftOutFolder? LeftOutHolding(string path)
    {
        for (var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            if (LeftOutReason(dir) is { } reason)
                return new LeftOutFolder(Path.TrimEndingDirectorySeparator(dir), reason);
        return null;
    }

    static string? LeftOutReason(string folder) =>
        File.Exists(Path.Join(folder, PhotoExporter.ManifestName)) ? "a FaceAtlas export (links to photos indexed where they are)"
        : CacheTag.IsTag(Path.Join(folder, CacheTag.FileName)) ? "a cache (it holds a CACHEDIR.TAG), such as FaceAtlas's thumbnails"
        : null;

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
