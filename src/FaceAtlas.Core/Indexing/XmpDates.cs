using System.Globalization;
using System.Text.RegularExpressions;
using FaceAtlas.Core.Catalog;
using MetadataExtractor.Formats.Xmp;
using XmpCore;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// When a photo was taken as its embedded XMP says it, for a photo whose EXIF says nothing (an edited or exported
/// photo often keeps its XMP and loses its EXIF). In the Metadata Working Group's order: the moment of capture
/// (<c>exif:DateTimeOriginal</c>, then <c>photoshop:DateCreated</c>), then the moment it was made digital
/// (<c>xmp:CreateDate</c>, a scan's date). Never <c>xmp:ModifyDate</c> or <c>xmp:MetadataDate</c>: those say when it
/// was last edited.
/// </summary>
public static partial class XmpDates
{
    static readonly (string Namespace, string Property)[] Properties =
    [
        ("http://ns.adobe.com/exif/1.0/", "DateTimeOriginal"),
        ("http://ns.adobe.com/photoshop/1.0/", "DateCreated"),
        ("http://ns.adobe.com/xap/1.0/", "CreateDate"),
    ];

    /// <summary>The first of <see cref="Properties"/> that holds a date, with its offset where it has one; else null.</summary>
    public static CaptureDate? Read(IEnumerable<MetadataExtractor.Directory> metadata)
    {
        var xmps = metadata.OfType<XmpDirectory>().Select(x => x.XmpMeta).OfType<IXmpMeta>().ToList();
        foreach (var (ns, property) in Properties)
            foreach (var xmp in xmps)
                if (Parse(Text(xmp, ns, property)) is { } date)
                    return date;
        return null;
    }

    /// <summary>
    /// An XMP date (ISO 8601): <c>2019-07-04T15:30:00+02:00</c>, with or without seconds, fractions and offset
    /// (<c>Z</c> is +00:00; Apple's <c>GMT+02:00</c> is read as +02:00), or a day alone (<c>2019-07-04</c>), which
    /// stays a day. Null for less than a day (<c>2019</c>, <c>2019-07</c>: too vague to place a photo), a date that
    /// does not exist, one before 1800 or more than two days after <paramref name="now"/>.
    /// </summary>
    public static CaptureDate? Parse(string? text, DateTime now)
    {
        if (text is null || IsoDate().Match(text.Trim()) is not { Success: true } m) return null;
        int year = Number(m, "y"), month = Number(m, "mo"), day = Number(m, "d");
        if (year < 1800 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        if (!m.Groups["h"].Success)
            return new DateTime(year, month, day) > now.AddDays(2) ? null : CaptureDate.Day(new DateOnly(year, month, day), DateSource.Xmp);
        int hour = Number(m, "h"), minute = Number(m, "mi"), second = m.Groups["s"].Success ? Number(m, "s") : 0;
        int zoneHours = m.Groups["zh"].Success ? Number(m, "zh") : 0, zoneMinutes = m.Groups["zm"].Success ? Number(m, "zm") : 0;
        if (hour > 23 || minute > 59 || second > 59 || zoneHours > 14 || zoneMinutes > 59) return null;
        var clock = new DateTime(year, month, day, hour, minute, second);
        if (clock > now.AddDays(2)) return null;
        TimeSpan? offset = !m.Groups["zone"].Success ? null
            : m.Groups["sign"].Value == "-" ? -new TimeSpan(zoneHours, zoneMinutes, 0) : new TimeSpan(zoneHours, zoneMinutes, 0);
        return new CaptureDate(clock, offset, DateSource.Xmp);
    }

    static CaptureDate? Parse(string? text) => Parse(text, DateTime.Now);

    /// <summary>A simple property's text; null where it is absent or not simple (XmpCore refuses to read it as text).</summary>
    static string? Text(IXmpMeta xmp, string ns, string property)
    {
        try
        {
            return xmp.GetPropertyString(ns, property);
        }
        catch (XmpException)
        {
            return null;
        }
    }

    static int Number(Match m, string group) => int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    // Digits are [0-9]: \d would take any script's digits, which int.Parse refuses.
    [GeneratedRegex("^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})"
        + "(T(?<h>[0-9]{2}):(?<mi>[0-9]{2})(:(?<s>[0-9]{2})([.,][0-9]+)?)?"
        + "(?<zone>Z|(GMT|UTC)?(?<sign>[+-])(?<zh>[0-9]{2}):?(?<zm>[0-9]{2})|GMT|UTC)?)?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex IsoDate();
}
