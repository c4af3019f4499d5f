using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Export;
using FaceAtlas.Core.Tags;
using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Core.Indexing;

/// <summary>A folder whose photos the scan left out on purpose (all of a cache's, an export's own), and why.</summary>
public sealed record LeftOutFolder(string Path, string Reason);

/// <summary>
/// The photo files under some roots, the paths that could not be read, and what was left out on purpose
/// (FaceAtlas's exports and caches).
/// </summary>
public sealed record ScanResult(IReadOnlyList<PhotoFile> Photos, IReadOnlyList<PathProblem> Problems, IReadOnlyList<string> UnreadableFolders)
{
    public IReadOnlyList<LeftOutFolder> LeftOut { get; init; } = [];

}

/// <summary>
/// Walks folders recursively for photo files. Follows symbolic links to folders but never enters the same
/// folder twice, so a link loop is reported, not followed forever. Two things are left out, whether met on the
/// way or named as a root: the files an export made (listed in its manifest), which are links to or copies of
/// photos the catalog has already (indexing them would count every exported photo twice, then export the exports;
/// `faceatlas export ~/Pictures/People` is a natural place), and folders tagged as a cache (CACHEDIR.TAG), such
/// as the thumbnails beside a catalog kept among the photos. An export's own files only, not its folder: a user's
/// photos beside them (an export made into the photo folder itself) are still photos.
/// </summary>
public static class PhotoScanner
{
    /// <summary>Extensions looked at. The content decides the format; the name only decides what is a photo at all.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".gif", ".tif", ".tiff",
        // What phones save besides JPEG: HEIC/HEIF (iPhone, many Android phones), AVIF, JPEG XL.
        ".heic", ".heif", ".hif", ".avif", ".jxl",
        // Camera RAW: Adobe's DNG and the cameras' own.
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf", ".orf", ".rw2", ".rwl", ".pef",
        ".srw", ".x3f", ".mrw", ".3fr", ".fff", ".iiq", ".erf", ".kdc", ".dcr", ".mos", ".mef",
    };

    /// <summary>Videos as phones and cameras save them, indexed like photos: faces from frames (Vision's VideoAnalyzer).</summary>
    public static readonly IReadOnlySet<string> VideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".mkv", ".webm", ".avi", ".mts", ".m2ts",
    };

    /// <summary>Whether the file's name says it is a video.</summary>
    public static bool IsVideo(string path) => VideoExtensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// The kind of photo a file's name says it is, for reports ("HEIC", "camera RAW"); the content may say otherwise,
    /// and the decoder goes by the content.
    /// </summary>
    public static string KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => "JPEG",
        ".png" => "PNG",
        ".webp" => "WebP",
        ".bmp" or ".dib" => "BMP",
        ".gif" => "GIF",
        ".tif" or ".tiff" => "TIFF",
        ".heic" or ".heif" or ".hif" => "HEIC",
        ".avif" => "AVIF",
        ".jxl" => "JPEG XL",
        var e when Extensions.Contains(e) => "camera RAW",
        var e when VideoExtensions.Contains(e) => "video",
        _ => "other",
    };

    public static ScanResult Scan(IEnumerable<string> roots, CancellationToken cancel = default)
    {
        var walker = new Walker(cancel);
        foreach (var root in roots)
            walker.Root(Path.GetFullPath(root));
        return walker.Result();
    }

    /// <summary>One scan's findings as it goes.</summary>
    sealed class Walker(CancellationToken cancel)
    {
        readonly List<PhotoFile> _photos = [];
        readonly List<PathProblem> _problems = [];
        readonly List<string> _unreadable = [];
        readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        readonly List<LeftOutFolder> _caches = [];
        /// <summary>Every file an export made (full path) and the export's folder; how many of them the walk met per export.</summary>
        readonly Dictionary<string, string> _exported = new(StringComparer.Ordinal);
        readonly Dictionary<string, int> _exportedMet = new(StringComparer.Ordinal);
        readonly HashSet<string> _exportsRead = new(StringComparer.Ordinal);
        readonly HashSet<string> _walked = new(StringComparer.Ordinal);
        readonly Dictionary<string, long> _sidecars = new(StringComparer.Ordinal); // Sidecars.Key -> last write

        public void Root(string full)
        {
            if (CacheHolding(full) is { } cache)
            {
                _caches.Add(cache);
                return;
            }
            // A root named inside an export (its folder for one person, or one of its files).
            for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
                ReadExport(dir);
            if (File.Exists(full))
                AddFile(new FileInfo(full), explicitlyNamed: true);
            else if (Directory.Exists(full))
                Walk(new DirectoryInfo(full));
            else
                _problems.Add(new PathProblem(full, "no such file or folder"));
        }

        public ScanResult Result()
        {
            for (int i = 0; i < _photos.Count; i++)
                if (SidecarTicks(_photos[i].Path) is { } ticks)
                    _photos[i] = _photos[i] with { SidecarTicks = ticks };
            _photos.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            var leftOut = _caches.Distinct().Concat(_exportedMet.Select(e => new LeftOutFolder(e.Key,
                $"a FaceAtlas export: {e.Value} of its files left out (links to photos indexed where they are)"))).ToList();
            return new ScanResult(_photos, _problems, _unreadable) { LeftOut = leftOut };
        }

        void Walk(DirectoryInfo root)
        {
            var pending = new Stack<DirectoryInfo>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                var dir = pending.Pop();
                if (System.Text.Encoding.UTF8.GetByteCount(dir.FullName) >= MaxPathBytes)
                {
                    _problems.Add(new PathProblem(dir.FullName, $"path too long: over the system's limit of {MaxPathBytes:N0} bytes; skipped"));
                    _unreadable.Add(dir.FullName);
                    continue;
                }
                string real;
                try
                {
                    real = RealPath(dir);
                }
                catch (IOException e)
                {
                    _problems.Add(new PathProblem(dir.FullName, $"cannot resolve link: {e.Message}"));
                    continue;
                }
                if (!_visited.Add(real))
                {
                    _problems.Add(new PathProblem(dir.FullName, $"folder already scanned as {real} (symbolic link loop or duplicate); skipped"));
                    continue;
                }
                _walked.Add(dir.FullName);
                FileSystemInfo[] entries;
                try
                {
                    entries = dir.GetFileSystemInfos();
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    _problems.Add(new PathProblem(dir.FullName, $"cannot list folder: {e.Message}"));
                    _unreadable.Add(dir.FullName);
                    continue;
                }
                if (entries.Any(e => e is FileInfo && e.Name == CacheTag.FileName) && CacheAt(dir.FullName) is { } cache)
                {
                    _caches.Add(cache);
                    continue;
                }
                if (entries.Any(e => e is FileInfo && e.Name == PhotoExporter.ManifestName))
                    ReadExport(dir.FullName);
                foreach (var entry in entries)
                {
                    if (entry is FileInfo other && !Extensions.Contains(entry.Extension))
                    {
                        if (Sidecars.IsSidecar(other.Name))
                            _sidecars[Sidecars.Key(Path.Join(dir.FullName, other.Name))] = other.LastWriteTimeUtc.Ticks;
                        if (!VideoExtensions.Contains(other.Extension))
                            continue;
                    }
                    // Named from the parent's path: .NET leaves an enumerated entry's FullName empty once it is too long.
                    var path = Path.Join(dir.FullName, entry.Name);
                    if (IsUnopenableName(entry.Name, path))
                        _problems.Add(new PathProblem(path, UnopenableNameReason));
                    else if (entry is DirectoryInfo)
                        pending.Push(new DirectoryInfo(path));
                    else if (entry is FileInfo file)
                        AddFile(file, explicitlyNamed: false);
                }
            }
        }

        void AddFile(FileInfo file, bool explicitlyNamed)
        {
            if (_exported.TryGetValue(file.FullName, out var export))
            {
                _exportedMet[export] = _exportedMet.GetValueOrDefault(export) + 1;
                return;
            }
            try
            {
                if (file.LinkTarget is not null)
                {
                    var target = file.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is null || !target.Exists)
                    {
                        _problems.Add(new PathProblem(file.FullName, "broken symbolic link"));
                        return;
                    }
                }
                if (!explicitlyNamed && !Extensions.Contains(file.Extension) && !VideoExtensions.Contains(file.Extension))
                    return;
                // Size and time of the file the link points to, since that is what gets read.
                file.Refresh();
                _photos.Add(new PhotoFile(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _problems.Add(new PathProblem(file.FullName, $"cannot read file information: {e.Message}"));
            }
        }

        /// <summary>The later write of the photo's sidecars: as met in the walk, or on disk for a photo named alone.</summary>
        long? SidecarTicks(string photo)
        {
            if (!_walked.Contains(Path.GetDirectoryName(photo)!))
                return Sidecars.Existing(photo).Select(s => (long?)File.GetLastWriteTimeUtc(s).Ticks).Max();
            long? latest = null;
            foreach (var sidecar in Sidecars.Candidates(photo))
                if (_sidecars.TryGetValue(Sidecars.Key(sidecar), out var ticks) && ticks > (latest ?? long.MinValue))
                    latest = ticks;
            return latest;
        }

        /// <summary>Notes the files of the export in <paramref name="folder"/>, if there is one (once per folder).</summary>
        void ReadExport(string folder)
        {
            folder = Path.TrimEndingDirectorySeparator(folder);
            if (!_exportsRead.Add(folder)) return;
            foreach (var file in PhotoExporter.FilesMadeIn(folder))
                _exported[file] = folder;
        }
    }

    /// <summary>The cache folder <paramref name="path"/> lies in, itself included, or null (for a root: the walk checks each folder as it enters it).</summary>
    static LeftOutFolder? CacheHolding(string path)
    {
        for (var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            if (CacheAt(dir) is { } cache)
                return cache;
        return null;
    }

    static LeftOutFolder? CacheAt(string folder) => CacheTag.IsTag(Path.Join(folder, CacheTag.FileName))
        ? new LeftOutFolder(Path.TrimEndingDirectorySeparator(folder), "a cache (it holds a CACHEDIR.TAG), such as FaceAtlas's thumbnails")
        : null;

    /// <summary>Linux's PATH_MAX, counting the terminating zero: no system call takes a longer path.</summary>
    const int MaxPathBytes = 4096;

    const string UnopenableNameReason = "the name is not valid UTF-8 (shown with \uFFFD); rename it to index it";

    /// <summary>
    /// .NET turns a name's bytes that are not UTF-8 into U+FFFD, and the name it gets back then names nothing: such a
    /// file can be listed but not opened. Said as it is rather than as "file not found".
    /// </summary>
    static bool IsUnopenableName(string name, string path) => name.Contains('\uFFFD') && !Path.Exists(path);

    /// <summary>
    /// The folder's path with every link on the way resolved (realpath(3), as the indexer resolves files), so that a
    /// folder reached by two paths in one run is scanned once, also below a linked folder. Where there is none (a
    /// broken link, a loop), .NET resolves the last link and says what is wrong.
    /// </summary>
    static string RealPath(DirectoryInfo dir)
    {
        if (RealPaths.Of(dir.FullName) is { } real) return real;
        var target = dir.LinkTarget is null ? null : dir.ResolveLinkTarget(returnFinalTarget: true);
        if (target is null) return Path.TrimEndingDirectorySeparator(dir.FullName);
        if (!target.Exists) throw new IOException("broken symbolic link");
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName));
    }
}
