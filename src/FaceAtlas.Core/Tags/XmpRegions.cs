using System.Globalization;
using XmpCore;

namespace FaceAtlas.Core.Tags;

/// <summary>
/// Face regions in XMP, in the two schemas photo tools exchange them in: the Metadata Working Group's
/// (<c>mwg-rs:Regions</c>: a box by its centre, in fractions of the photo; digiKam, Lightroom, Picasa, Immich) and
/// Microsoft's older <c>MP:RegionInfo</c> (a box by its corner; Windows Photo Gallery, also written by digiKam).
/// </summary>
public static class XmpRegions
{
    public const string Mwg = "http://www.metadataworkinggroup.com/schemas/regions/";
    public const string Area = "http://ns.adobe.com/xmp/sType/Area#";
    public const string Dimensions = "http://ns.adobe.com/xap/1.0/sType/Dimensions#";
    public const string MicrosoftPhoto = "http://ns.microsoft.com/photo/1.2/";
    public const string MicrosoftRegionInfo = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#";
    public const string MicrosoftRegion = "http://ns.microsoft.com/photo/1.2/t/Region#";

    /// <summary>FaceAtlas's own field in the regions it writes, so that a later write changes only those.</summary>
    public const string FaceAtlas = "https://faceatlas.invalid/xmp/1.0/";

    public const string RegionList = "mwg-rs:Regions/mwg-rs:RegionList";
    const string MicrosoftRegions = "MP:RegionInfo/MPRI:Regions";

    static XmpRegions()
    {
        var registry = XmpMetaFactory.SchemaRegistry;
        registry.RegisterNamespace(Mwg, "mwg-rs");
        registry.RegisterNamespace(Area, "stArea");
        registry.RegisterNamespace(Dimensions, "stDim");
        registry.RegisterNamespace(MicrosoftPhoto, "MP");
        registry.RegisterNamespace(MicrosoftRegionInfo, "MPRI");
        registry.RegisterNamespace(MicrosoftRegion, "MPReg");
        registry.RegisterNamespace(FaceAtlas, "faceatlas");
    }

    /// <summary>Makes sure the prefixes are known before a path names them.</summary>
    public static void Register() { }

    /// <summary>
    /// The named face regions of <paramref name="meta"/>: the MWG ones, or the Microsoft ones where it has no MWG
    /// region. Unnamed regions and regions of other kinds (pets, focus) are passed over; a named region that cannot be
    /// used (a box outside the photo, not a number, a name with control characters) is told in <paramref name="problems"/>.
    /// </summary>
    public static List<FaceTag> Read(IXmpMeta meta, string source, List<string> problems)
    {
        Register();
        var tags = new List<FaceTag>();
        int mwg = meta.DoesPropertyExist(Mwg, RegionList) ? meta.CountArrayItems(Mwg, RegionList) : 0;
        for (int i = 1; i <= mwg; i++)
        {
            var item = XmpPathFactory.ComposeArrayItemPath(RegionList, i);
            var name = Text(meta, Mwg, item + "/mwg-rs:Name");
            var type = Text(meta, Mwg, item + "/mwg-rs:Type");
            if (string.IsNullOrWhiteSpace(name) || (type is not null && !type.Equals("Face", StringComparison.OrdinalIgnoreCase))) continue;
            var unit = Text(meta, Mwg, item + "/mwg-rs:Area/stArea:unit");
            if (unit is not null && !unit.Equals("normalized", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"region '{Printable(name)}' in {source}: its area is in '{Printable(unit)}', not in fractions of the photo; skipped");
                continue;
            }
            double x = Number(meta, Mwg, item + "/mwg-rs:Area/stArea:x"), y = Number(meta, Mwg, item + "/mwg-rs:Area/stArea:y");
            double w = Number(meta, Mwg, item + "/mwg-rs:Area/stArea:w"), h = Number(meta, Mwg, item + "/mwg-rs:Area/stArea:h");
            Add(tags, problems, name, x - w / 2, y - h / 2, w, h, source);
        }
        if (mwg > 0) return tags;

        int mp = meta.DoesPropertyExist(MicrosoftPhoto, MicrosoftRegions) ? meta.CountArrayItems(MicrosoftPhoto, MicrosoftRegions) : 0;
        for (int i = 1; i <= mp; i++)
        {
            var item = XmpPathFactory.ComposeArrayItemPath(MicrosoftRegions, i);
            var name = Text(meta, MicrosoftPhoto, item + "/MPReg:PersonDisplayName");
            if (string.IsNullOrWhiteSpace(name)) continue;
            var parts = (Text(meta, MicrosoftPhoto, item + "/MPReg:Rectangle") ?? "").Split(',');
            double[] box = parts.Length == 4 ? parts.Select(p => Parse(p.Trim())).ToArray() : [double.NaN, double.NaN, double.NaN, double.NaN];
            Add(tags, problems, name, box[0], box[1], box[2], box[3], source);
        }
        return tags;
    }

    /// <summary>How far a box may stray past the photo's edge and still be read (clipped): tools round.</summary>
    const double EdgeSlack = 0.02;

    static void Add(List<FaceTag> tags, List<string> problems, string name, double left, double top, double w, double h, string source)
    {
        var shown = Printable(name);
        if (name.Any(char.IsControl))
        {
            problems.Add($"region '{shown}' in {source}: the name holds control characters; skipped");
            return;
        }
        if (!double.IsFinite(left) || !double.IsFinite(top) || !double.IsFinite(w) || !double.IsFinite(h))
        {
            problems.Add($"region '{shown}' in {source}: its box is not four numbers; skipped");
            return;
        }
        if (w <= 0 || h <= 0 || w > 1 + EdgeSlack || h > 1 + EdgeSlack || left < -EdgeSlack || top < -EdgeSlack
            || left + w > 1 + EdgeSlack || top + h > 1 + EdgeSlack)
        {
            problems.Add($"region '{shown}' in {source}: its box ({Show(left)}, {Show(top)}, {Show(w)} x {Show(h)} of the photo) lies outside the photo; skipped");
            return;
        }
        double l = Math.Max(0, left), t = Math.Max(0, top);
        tags.Add(new FaceTag(name.Trim(), l, t, Math.Min(1, left + w) - l, Math.Min(1, top + h) - t, source));
    }

    static string? Text(IXmpMeta meta, string ns, string path)
    {
        try
        {
            return meta.DoesPropertyExist(ns, path) ? meta.GetPropertyString(ns, path) : null;
        }
        catch (XmpException)
        {
            return null; // a struct where a value was expected
        }
    }

    static double Number(IXmpMeta meta, string ns, string path) => Text(meta, ns, path) is { } text ? Parse(text) : double.NaN;

    static double Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Why XMP could not be read, in the parser's words (XmpCore says "Unsupported Encoding" for any XML error).</summary>
    public static string Why(Exception e) => Printable(e is XmpException { InnerException: { } inner } ? inner.Message : e.Message);

    /// <summary>A name as a message may show it: control characters as '?', at most 60 characters.</summary>
    public static string Printable(string name)
    {
        var shown = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return shown.Length > 60 ? shown[..60] + "..." : shown;
    }
}
