using System.Globalization;
using System.Text.RegularExpressions;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// The date a phone, camera or app wrote into a file's name, for a photo that records none inside: a better guess
/// than the file's last write, which is often the day it was copied. Only the known forms below are read, each from
/// the start of the name, and only a date that exists, from 1900 on and not in the future: <c>IMG_1234.JPG</c>,
/// <c>DSC_0001.JPG</c> or <c>20191345_999999.jpg</c> give none. Pure: reads no file.
/// </summary>
public static partial class FileNameDates
{
    /// <summary>How a form's time reads: the wall clock where it was taken, UTC, or the day alone.</summary>
    enum Reading { Local, Utc, Day }

    readonly record struct Form(Regex Pattern, Reading Reading);

    // Groups: y, mo, d, and h, mi, s where the form has a time; ampm for a 12-hour clock. Digits are [0-9]: \d
    // would take any script's digits, which int.Parse refuses.
    const string Ymd = "(?<y>[0-9]{4})(?<mo>[0-9]{2})(?<d>[0-9]{2})", YmdDashed = "(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})";
    const string Hms = "(?<h>[0-9]{2})(?<mi>[0-9]{2})(?<s>[0-9]{2})", HmsDashed = "(?<h>[0-9]{2})-(?<mi>[0-9]{2})-(?<s>[0-9]{2})";
    /// <summary>Where a form ends: no further digit, so that a longer number is never read as a shorter date.</summary>
    const string End = "(?![0-9])", Millis = "([0-9]{3})?";
    const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    static readonly Form[] Forms =
    [
        // Android cameras (IMG_, VID_), Google Camera's panoramas and motion photos: IMG_20190704_153000_1.jpg
        new(Camera(), Reading.Local),
        // Pixel from 2020: PXL_20190704_153000123.jpg, in UTC
        new(Pixel(), Reading.Utc),
        // Google Camera's bursts: 00000IMG_00000_BURST20190704153000123_COVER.jpg, BURST20190704153000.jpg
        new(Burst(), Reading.Local),
        // Samsung's camera: 20190704_153000.jpg, 20190704_153000(0).jpg
        new(Samsung(), Reading.Local),
        // WhatsApp's own folders: IMG-20190704-WA0001.jpg, the day it was sent or received
        new(WhatsApp(), Reading.Day),
        // Android's screenshots: Screenshot_20190704-153000.png, Screenshot_2019-07-04-15-30-00.png (..._Chrome.jpg)
        new(AndroidScreenshot(), Reading.Local),
        // macOS screenshots and WhatsApp's exports: "Screenshot 2019-07-04 at 15.30.00.png",
        // "Screen Shot 2019-07-04 at 3.30.00 PM.png", "WhatsApp Image 2019-07-04 at 15.30.00.jpeg"
        new(SaidAt(), Reading.Local),
        // Windows' Snipping Tool: "Screenshot 2019-07-04 153000.png"
        new(WindowsScreenshot(), Reading.Local),
        // Signal: signal-2019-07-04-153000.jpg, signal-2019-07-04-15-30-00-123.jpg
        new(Signal(), Reading.Local),
        // Telegram Desktop: photo_2019-07-04_15-30-00.jpg
        new(Telegram(), Reading.Local),
    ];

    /// <summary>The date in the name of the file at <paramref name="path"/>, or null when it carries none.</summary>
    public static CaptureDate? Read(string path) => Read(path, DateTime.Now);

    /// <param name="now">This machine's clock: a name more than two days after it (a wrong camera clock) is no date.</param>
    public static CaptureDate? Read(string path, DateTime now)
    {
        var name = Path.GetFileName(path);
        foreach (var form in Forms)
            if (form.Pattern.Match(name) is { Success: true } match && Date(match, form.Reading, now) is { } date)
                return date;
        return null;
    }

    static CaptureDate? Date(Match m, Reading reading, DateTime now)
    {
        int year = Number(m, "y"), month = Number(m, "mo"), day = Number(m, "d");
        if (year < 1900 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        var latest = now.AddDays(2);
        if (reading == Reading.Day)
            return new DateTime(year, month, day) > latest ? null : CaptureDate.Day(new DateOnly(year, month, day), DateSource.FileName);

        int hour = Number(m, "h"), minute = Number(m, "mi"), second = Number(m, "s");
        if (m.Groups["ampm"].Success)
        {
            if (hour is < 1 or > 12) return null;
            hour = hour % 12 + (m.Groups["ampm"].Value.Equals("PM", StringComparison.OrdinalIgnoreCase) ? 12 : 0);
        }
        if (hour > 23 || minute > 59 || second > 59) return null;
        var clock = new DateTime(year, month, day, hour, minute, second);
        return clock > latest ? null : new CaptureDate(clock, reading == Reading.Utc ? TimeSpan.Zero : null, DateSource.FileName);
    }

    static int Number(Match m, string group) => int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex("^(IMG|VID|PANO|MVIMG)_" + Ymd + "_" + Hms + Millis + End, Options)]
    private static partial Regex Camera();

    [GeneratedRegex("^PXL_" + Ymd + "_" + Hms + Millis + End, Options)]
    private static partial Regex Pixel();

    [GeneratedRegex("^([0-9]{5}[a-z]+_[0-9]{5}_)?BURST" + Ymd + Hms + Millis + End, Options)]
    private static partial Regex Burst();

    [GeneratedRegex("^" + Ymd + "_" + Hms + End, Options)]
    private static partial Regex Samsung();

    [GeneratedRegex("^(IMG|VID)-" + Ymd + "-WA[0-9]+", Options)]
    private static partial Regex WhatsApp();

    [GeneratedRegex("^Screenshot_(" + Ymd + "-" + Hms + "|" + YmdDashed + "-" + HmsDashed + ")" + End, Options)]
    private static partial Regex AndroidScreenshot();

    // macOS puts a no-break or narrow no-break space before AM and PM.
    [GeneratedRegex("^(Screen ?shot|WhatsApp (Image|Video)) " + YmdDashed + @" at (?<h>[0-9]{1,2})\.(?<mi>[0-9]{2})\.(?<s>[0-9]{2})" + End
        + "([ \u00A0\u202F](?<ampm>[AP]M))?", Options)]
    private static partial Regex SaidAt();

    [GeneratedRegex("^Screenshot " + YmdDashed + " " + Hms + End, Options)]
    private static partial Regex WindowsScreenshot();

    [GeneratedRegex("^signal-" + YmdDashed + "-(" + Hms + "|" + HmsDashed + ")" + End, Options)]
    private static partial Regex Signal();

    [GeneratedRegex("^(photo|video)_" + YmdDashed + "_" + HmsDashed + End, Options)]
    private static partial Regex Telegram();
}
