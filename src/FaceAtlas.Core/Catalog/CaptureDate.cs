using System.Globalization;

namespace FaceAtlas.Core.Catalog;

/// <summary>Where a photo's date comes from: the camera's own record (EXIF), or the file's last write.</summary>
public enum DateSource
{
    Exif,
    File,
    /// <summary>A video's container: QuickTime's creation date, or MP4's creation_time.</summary>
    Video,
}

/// <summary>
/// When a photo was taken, as a photo tool shows it: the wall-clock time where it was taken (<see cref="Clock"/>),
/// with its offset from UTC when the photo records one. A date from the file's last write is marked
/// <see cref="DateSource.File"/>: it may be when the photo was copied, not when it was taken.
/// </summary>
public readonly record struct CaptureDate(DateTime Clock, TimeSpan? Offset, DateSource Source)
{
    /// <summary>ISO 8601: <c>2019-07-04T15:30:00+02:00</c>, or without the offset when the photo does not say it.</summary>
    public string Text => Offset is { } offset
        ? new DateTimeOffset(DateTime.SpecifyKind(Clock, DateTimeKind.Unspecified), offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
        : Clock.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"exif", "video" or "file", as the jsonl and the API say it.</summary>
    public string SourceName => Source switch { DateSource.Exif => "exif", DateSource.Video => "video", _ => "file" };

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
        var kind = source switch { "exif" => DateSource.Exif, "video" => DateSource.Video, _ => DateSource.File };
        if (text.Length > 19 && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return new CaptureDate(withOffset.DateTime, withOffset.Offset, kind);
        return DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock)
            ? new CaptureDate(clock, null, kind) : null;
    }
}
