namespace FaceAtlas.Core.People;

/// <summary>
/// How old a person was in a photo, from their birth day and the day the photo was taken; and the rule that a photo
/// taken before someone was born cannot show them (a child's sibling or parent, the most common mix-up).
/// </summary>
public static class PersonAge
{
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

    /// <summary>
    /// Years, one decimal (3.4), never rounded up; null for a photo taken before the birth. Whole years by the
    /// calendar, so a person is 1.0 on their first birthday in any year; the tenths are the share of the days from
    /// the last birthday to the next.
    /// </summary>
    public static double? At(DateOnly birth, DateOnly taken)
    {
        if (taken < birth) return null;
        int years = taken.Year - birth.Year;
        if (Birthday(birth, birth.Year + years) > taken) years--;
        var last = Birthday(birth, birth.Year + years);
        var next = Birthday(birth, birth.Year + years + 1);
        double share = (double)(taken.DayNumber - last.DayNumber) / (next.DayNumber - last.DayNumber);
        return years + Math.Floor(share * 10) / 10;
    }

    /// <summary>
    /// A person's birthday in <paramref name="year"/>: for one born on 29 February, 1 March in a year without it (as
    /// the law counts it in England or Hong Kong), so that they are not a year older a day early.
    /// </summary>
    static DateOnly Birthday(DateOnly birth, int year) =>
        birth is { Month: 2, Day: 29 } && !DateTime.IsLeapYear(year) ? new DateOnly(year, 3, 1) : new DateOnly(year, birth.Month, birth.Day);

    /// <summary>The first and last day on which a person born on <paramref name="birth"/> was <paramref name="from"/> to <paramref name="to"/> years old (whole years).</summary>
    public static (DateOnly? From, DateOnly? To) Days(DateOnly birth, int? from, int? to) =>
        (from is { } f ? Birthday(birth, birth.Year + f) : null, to is { } t ? Birthday(birth, birth.Year + t + 1).AddDays(-1) : null);

    /// <summary>Whether a face of a photo taken on <paramref name="taken"/> may be of a person born on <paramref name="birth"/>.</summary>
    public static bool CouldBe(DateOnly? birth, DateOnly? taken) => birth is not { } b || taken is not { } t || t >= b;
}
