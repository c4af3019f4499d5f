using System.Security.Cryptography;
using System.Text;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Export;

/// <summary>A person's photos to export: the folder they go in and the original files.</summary>
public sealed record ExportGroup(string Folder, IReadOnlyList<string> Photos);

/// <summary>
/// What an export run did. <see cref="Remade"/>: entries made again in the mode asked for this time (a hard link
/// that is now to be a copy, say); they are not counted as added or removed.
/// </summary>
public sealed record ExportSummary(int Folders, int Added, int Kept, int Removed, int CopiedInsteadOfLinked, IReadOnlyList<string> Problems)
{
    public int Remade { get; init; }
}

/// <summary>
/// Writes one folder per person under a destination and keeps it in step on re-runs: it records what it made in
/// a manifest there, adds what is missing, removes only entries it made that are no longer wanted, and leaves
/// every other file in the destination alone. An entry made in another mode than the one asked for now is made
/// again: a user who asks for copies after an export of hard links wants files that can be edited without
/// touching the originals. Originals are only ever read.
/// </summary>
public sealed class PhotoExporter(string destination, ExportMode mode)
{
    public const string ManifestName = ".faceatlas-export.json";
    readonly string _root = Path.GetFullPath(destination);

    /// <summary>
    /// The files (full paths) an export into <paramref name="folder"/> made, as its manifest lists them; none when
    /// the folder holds no export or its manifest cannot be read.
    /// </summary>
    public static IEnumerable<string> FilesMadeIn(string folder)
    {
        Dictionary<string, Manifest.Entry> entries;
        try
        {
            entries = Manifest.Read(folder).Entries;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return [];
        }
        return entries.Keys.Select(relative => Path.Join(folder, relative)).ToList();
    }

    /// <summary>Groups for people (names made safe and unique as folder names), plus "unknown" when asked.</summary>
    public static List<ExportGroup> Plan(IEnumerable<(PersonSummary Person, IReadOnlyList<string> Photos)> people, IReadOnlyList<string>? unknown)
    {
        var groups = new List<ExportGroup>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (person, photos) in people)
        {
            var folder = SafeName(person.DisplayName);
            if (!used.Add(folder)) used.Add(folder = $"{folder} ({person.Id})");
            groups.Add(new ExportGroup(folder, photos));
        }
        if (unknown is { Count: > 0 })
            groups.Add(new ExportGroup(used.Contains("unknown") ? "unknown (no person)" : "unknown", unknown));
        return groups;
    }

    static string SafeName(string name)
    {
        var chars = name.Select(c => c is '/' or '\\' or '\0' || char.IsControl(c) ? '_' : c).ToArray();
        var safe = new string(chars).Trim().TrimStart('.');
        return safe.Length == 0 ? "_" : safe;
    }

    public ExportSummary Run(IReadOnlyList<ExportGroup> groups)
    {
        Directory.CreateDirectory(_root);
        var manifest = Manifest.Read(_root);
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal); // relative path -> source
        var problems = new List<string>();
        foreach (var group in groups)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var photo in group.Photos.Order(StringComparer.Ordinal))
            {
                // A catalog made before `index` left exports out may hold this export's own entries as photos.
                if (photo.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && manifest.Entries.ContainsKey(Path.GetRelativePath(_root, photo)))
                {
                    problems.Add($"{photo}: inside this export (an earlier export indexed as photos); not exported again, and the next `faceatlas index` forgets it");
                    continue;
                }
                // Two photos with one file name (from different folders) get the second a short suffix.
                var name = Path.GetFileName(photo);
                if (!names.Add(name))
                {
                    // From the path's SHA-256, not string.GetHashCode, which changes from run to run: a re-run must
                    // find the same name, or it would remove and re-make the entry every time.
                    var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(photo)))[..8];
                    name = $"{Path.GetFileNameWithoutExtension(photo)}-{suffix}{Path.GetExtension(photo)}";
                    names.Add(name);
                }
                wanted[Path.Combine(group.Folder, name)] = photo;
            }
        }

        int removed = 0, added = 0, kept = 0, copied = 0, remade = 0;
        var emptied = new HashSet<string>(StringComparer.Ordinal);
        var toRemake = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (relative, entry) in manifest.Entries.ToList())
        {
            var path = Path.Combine(_root, relative);
            bool ours = entry.StillOurs(path);
            bool stillWanted = wanted.TryGetValue(relative, out var source) && source == entry.Source;
            if (ours && stillWanted && Satisfies(entry.Mode, mode)) continue;
            if (ours)
            {
                File.Delete(path);
                if (stillWanted) toRemake.Add(relative);
                else
                {
                    emptied.Add(Path.GetDirectoryName(path)!);
                    removed++;
                }
            }
            manifest.Entries.Remove(relative);
        }
        foreach (var (relative, source) in wanted)
        {
            if (manifest.Entries.ContainsKey(relative)) { kept++; continue; }
            var target = Path.Combine(_root, relative);
            if (Path.Exists(target)) { problems.Add($"{target}: a file not made by FaceAtlas is in the way; left alone"); continue; }
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var used = FileLinker.Create(source, target, mode);
                if (used != mode) copied++;
                manifest.Entries[relative] = Manifest.Entry.Of(source, target, used);
                if (toRemake.Contains(relative)) remade++;
                else added++;
            }
            catch (IOException e) when (DiskFullException.IsNoSpace(e))
            {
                // A copy cut short is not ours and would stand in the next run's way: it goes, what was made is
                // recorded, and the export stops (the next photo would fail the same way).
                File.Delete(target);
                manifest.Write(_root);
                throw new DiskFullException(_root, e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{source}: {e.Message}");
            }
        }
        // A person's folder that removals left empty goes; any other folder, empty or not, is not ours to touch.
        foreach (var folder in emptied)
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        manifest.Write(_root);
        return new ExportSummary(groups.Count, added, kept, removed, copied, problems) { Remade = remade };
    }

    /// <summary>
    /// Whether an entry made in <paramref name="made"/> mode is what <paramref name="asked"/> wants. A copy serves a
    /// request for hard links: it is what a hard link falls back to across file systems (linking it again would
    /// fail the same way every run), and it holds the same bytes.
    /// </summary>
    static bool Satisfies(ExportMode made, ExportMode asked) => made == asked || (asked == ExportMode.HardLink && made == ExportMode.Copy);

    /// <summary>What a previous export made: per relative path, the source, the mode, and the size it had.</summary>
    internal sealed class Manifest
    {
        public Dictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

        public sealed record Entry(string Source, ExportMode Mode, long Size)
        {
            public static Entry Of(string source, string target, ExportMode mode) =>
                new(source, mode, mode == ExportMode.Symlink ? 0 : new FileInfo(target).Length);

            /// <summary>The entry is still there and still the one we made (not replaced or edited by someone).</summary>
            public bool StillOurs(string path)
            {
                var info = new FileInfo(path);
                if (Mode == ExportMode.Symlink) return info.LinkTarget == Source;
                return info.Exists && info.LinkTarget is null && info.Length == Size;
            }
        }

        public static Manifest Read(string root)
        {
            var manifest = new Manifest();
            var path = Path.Combine(root, ManifestName);
            if (!File.Exists(path)) return manifest;
            Dictionary<string, Entry?>? entries;
            try
            {
                entries = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(path),
                    ExportManifestJson.Default.DictionaryStringEntry);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Damaged(path, e.Message);
            }
            foreach (var (relative, entry) in entries ?? [])
            {
                // Every entry names a place inside the export and its source; anything else is not a manifest we wrote.
                if (entry?.Source is null || Path.IsPathRooted(relative) || relative.Split(Path.DirectorySeparatorChar).Contains(".."))
                    throw Damaged(path, $"the entry '{relative}' makes no sense");
                manifest.Entries[relative] = entry;
            }
            return manifest;
        }

        /// <summary>
        /// Without its manifest an export cannot tell its own files from the user's, so it changes nothing: better
        /// than removing a file that was not its own.
        /// </summary>
        static InvalidDataException Damaged(string path, string why) =>
            new($"{path} is damaged ({why}): the export cannot tell the files it made from yours, so nothing was changed; " +
                "move the file away to export afresh (the files already there are then left alone as yours)");

        /// <summary>Written whole or not at all: never half a manifest.</summary>
        public void Write(string root) =>
            WholeFile.Write(Path.Combine(root, ManifestName),
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Entries, ExportManifestJson.Default.DictionaryStringEntry));
    }
}

/// <summary>
/// The manifest's JSON contract, generated at build time (no reflection, so the program can be compiled ahead of
/// time): property names as written, enums as numbers, the format every earlier export wrote.
/// </summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, PhotoExporter.Manifest.Entry?>))]
internal sealed partial class ExportManifestJson : System.Text.Json.Serialization.JsonSerializerContext;
