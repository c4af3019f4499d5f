namespace FaceAtlas.Core.Tags;

/// <summary>
/// Where a photo's XMP sidecars lie: digiKam's <c>photo.jpg.xmp</c> and Lightroom's <c>photo.xmp</c>, with the
/// extension in either case (cameras and Windows tools write <c>.XMP</c>).
/// </summary>
public static class Sidecars
{
    public static bool IsSidecar(string name) => name.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase);

    /// <summary>The two names a sidecar of <paramref name="photo"/> can have (lower-case extension), digiKam's first.</summary>
    public static IReadOnlyList<string> Candidates(string photo) => [photo + ".xmp", Path.ChangeExtension(photo, ".xmp")];

    /// <summary>A sidecar's path with its extension in lower case: one key for <c>a.XMP</c> and <c>a.xmp</c>.</summary>
    public static string Key(string sidecar) => sidecar[..^4] + ".xmp";

    /// <summary>The photo's sidecars that exist, digiKam's first, as their names are on disk.</summary>
    public static IReadOnlyList<string> Existing(string photo)
    {
        var found = new List<string>();
        foreach (var candidate in Candidates(photo))
            foreach (var extension in (string[])[".xmp", ".XMP"])
            {
                var path = candidate[..^4] + extension;
                if (File.Exists(path) && !found.Contains(path, StringComparer.Ordinal))
                {
                    found.Add(path);
                    break;
                }
            }
        return found;
    }

    /// <summary>Where FaceAtlas writes the photo's regions: the sidecar it has (digiKam's first), else a new <c>photo.jpg.xmp</c>.</summary>
    public static string ForWriting(string photo) => Existing(photo) is [var first, ..] ? first : Candidates(photo)[0];
}
