namespace FaceAtlas.Core.People;

/// <summary>
/// How old a person was in a photo, from their birth day and the day the photo was taken; and the rule that a photo
/// taken before someone was born cannot show them (a child's sibling or parent, the most common mix-up).
/// </summary>
public static class PersonAge
{
    /// <summary>The days a year has on average in the Gregorian calendar.</summary>
    const double DaysAYear = 365.2425;

    /// <summary>
    /// The age of a person born on <paramref name="birth"/> (null: not known) in a photo taken at <paramref name="taken"/>;
    /// null where either is unknown, or the date is only a file's.
    /// </summary>
    public static double? Of(DateOnly? birth, Catalog.CaptureDate? taken) =>
        birth is { } b && DayOf(taken) is { } day ? At(b, day) : null;

    /// <summary>
    /// The day a photo was taken as the rule reads it: its own record's (EXIF, XMP, a video's, its name's), never the
    /// file's last write, which is often the day it was copied and would put a parent's photo after a child's birth.
    /// </summary>
    public static DateOnly? DayOf(Catalog.CaptureDate? taken) =>
        taken is { Source: not Catalog.DateSource.File } t ? DateOnly.FromDateTime(t.Clock) : null;

    /// <summary>Years, one decimal (3.4); null for a photo taken before the birth.</summary>
    public static double? At(DateOnly birth, DateOnly taken) =>
        taken < birth ? null : Math.Floor((taken.DayNumber - birth.DayNumber) / DaysAYear * 10) / 10;

    /// <summary>The first and last day on which a person born on <paramref name="birth"/> was <paramref name="from"/> to <paramref name="to"/> years old (whole years).</summary>
    public static (DateOnly? From, DateOnly? To) Days(DateOnly birth, int? from, int? to) =>
        (from is { } f ? birth.AddYears(f) : null, to is { } t ? birth.AddYears(t + 1).AddDays(-1) : null);

    /// <summary>Whether a face of a photo taken on <paramref name="taken"/> may be of a person born on <paramref name="birth"/>.</summary>
    public static bool CouldBe(DateOnly? birth, DateOnly? taken) => birth is not { } b || taken is not { } t || t >= b;
}
