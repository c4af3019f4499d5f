using System.Xml;
using MetadataExtractor.Formats.Xmp;
using XmpCore;

namespace FaceAtlas.Core.Tags;

/// <summary>
/// Reads the named face regions a photo carries: in its own XMP and in its sidecars (digiKam's <c>photo.jpg.xmp</c>,
/// Lightroom's <c>photo.xmp</c>). The same name on much the same box in two places (digiKam writes both) is one region.
/// </summary>
public static class FaceTagReader
{
    /// <summary>A sidecar larger than this is not read: XMP of a photo is kilobytes.</summary>
    const long MaxSidecarBytes = 16 << 20;

    /// <param name="metadata">The photo's metadata as MetadataExtractor read it (for its embedded XMP).</param>
    public static TagReading Read(IEnumerable<MetadataExtractor.Directory> metadata, string photo)
    {
        var problems = new List<string>();
        var tags = new List<FaceTag>();
        foreach (var xmp in metadata.OfType<XmpDirectory>())
            if (xmp.XmpMeta is { } meta)
                tags.AddRange(XmpRegions.Read(meta, "the photo's XMP", problems));
        foreach (var sidecar in Sidecars.Existing(photo))
        {
            var name = Path.GetFileName(sidecar);
            try
            {
                using var stream = new FileStream(sidecar, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length > MaxSidecarBytes)
                {
                    problems.Add($"sidecar {name}: {stream.Length / (1 << 20)} MB, too large for XMP; skipped");
                    continue;
                }
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                tags.AddRange(XmpRegions.Read(XmpMetaFactory.ParseFromBuffer(bytes), name, problems));
            }
            catch (Exception e) when (e is XmpException or XmlException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"sidecar {name}: not readable XMP ({XmpRegions.Why(e)}); skipped");
            }
        }
        return tags.Count == 0 && problems.Count == 0 ? TagReading.None : new TagReading(OncePerFace(tags), problems);
    }

    /// <summary>Drops a tag naming the same person as an earlier one over much the same box (overlap above one half).</summary>
    static List<FaceTag> OncePerFace(List<FaceTag> tags)
    {
        var kept = new List<FaceTag>();
        foreach (var tag in tags)
            if (!kept.Any(k => k.Name.Equals(tag.Name, StringComparison.OrdinalIgnoreCase) && Overlap(k, tag) > 0.5))
                kept.Add(tag);
        return kept;
    }

    static double Overlap(FaceTag a, FaceTag b)
    {
        double w = Math.Min(a.Left + a.Width, b.Left + b.Width) - Math.Max(a.Left, b.Left);
        double h = Math.Min(a.Top + a.Height, b.Top + b.Height) - Math.Max(a.Top, b.Top);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / (a.Width * a.Height + b.Width * b.Height - inter);
    }
}
