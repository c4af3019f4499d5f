using System.Globalization;

namespace FaceAtlas.Core.Catalog;

/// <summary>
/// Where a photo's date comes from, most trusted first: what the photo records (EXIF, XMP, a video's container), what
/// its file's name says, and last the file's last write, which may be when it was copied rather than taken.
/// </summary>
public enum DateSource
{
    Exif,
    File,
    /// <summary>A video's container: QuickTime's creation date, or MP4's creation_time.</summary>
    Video,
    /// <summary>The photo's XMP: <c>exif:DateTimeOriginal</c>, <c>photoshop:DateCreated</c> or <c>xmp:CreateDate</c>.</summary>
    Xmp,
    /// <summary>The name a phone, camera or app gave the file (<c>IMG_20190704_153000.jpg</c>).</summary>
    FileName,
}

/// <summary>
/// When a photo was taken, as a photo tool shows it: the wall-clock time where it was taken (<see cref="Clock"/>),
/// with its offset from UTC when the photo records one. A date from the file's last write is marked
/// <see cref="DateSource.File"/>: it may be when the photo was copied, not when it was taken. A date known to the day
/// only (<see cref="DayOnly"/>: a WhatsApp name, an XMP date without a time) is that day with no time and no offset,
/// never a made-up midnight.
/// </summary>
public readonly record struct CaptureDate(DateTime Clock, TimeSpan? Offset, DateSource Source)
{
    /// <summary>Known to the day only: <see cref="Clock"/> is that day's start, <see cref="Offset"/> null.</summary>
    public bool DayOnly { get; init; }

    /// <summary>
    /// ISO 8601: <c>2019-07-04T15:30:00+02:00</c>, without the offset when the photo does not say it, and
    /// <c>2019-07-04</c> for a date known to the day only.
    /// </summary>
    public string Text => DayOnly
        ? Clock.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : Offset is { } offset
            ? new DateTimeOffset(DateTime.SpecifyKind(Clock, DateTimeKind.Unspecified), offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : Clock.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"exif", "xmp", "video", "filename" or "file", as the jsonl and the API say it (extend, never rename).</summary>
    public string SourceName => Source switch
    {
        DateSource.Exif => "exif",
        DateSource.Xmp => "xmp",
        DateSource.Video => "video",
        DateSource.FileName => "filename",
        _ => "file",
    };

    /// <summary>A date known to the day only.</summary>
    public static CaptureDate Day(DateOnly day, DateSource source) =>
        new(day.ToDateTime(TimeOnly.MinValue), null, source) { DayOnly = true };

    /// <summary>The file's last write, in this machine's time zone.</summary>
    public static CaptureDate FromFile(long modifiedTicksUtc)
    {
        var local = new DateTimeOffset(modifiedTicksUtc, TimeSpan.Zero).ToLocalTime();
        return new CaptureDate(local.DateTime, local.Offset, DateSource.File);
    }

    /// <summary>The date <see cref="Text"/> and <see cref="SourceName"/> wrote; null for none or a value not of that form.</summary>
    public static CaptureDate? Parse(string? text, string? source)
    {
        if (text is null) return null;
        var kind = source switch
        {
            "exif" => DateSource.Exif,
            "xmp" => DateSource.Xmp,
            "video" => DateSource.Video,
            "filename" => DateSource.FileName,
            _ => DateSource.File,
        };
        if (text.Length > 19 && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return new CaptureDate(withOffset.DateTime, withOffset.Offset, kind);
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Day(day, kind);
        return DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock)
            ? new CaptureDate(clock, null, kind) : null;
    }
}
