using System.Globalization;

namespace FaceAtlas.Core.Catalog;

/// <summary>
/// Where a page of photos ends, in their order (newest first; those of unknown date, dated by their file alone or
/// not at all, after every dated one): the next page begins after it. A page asked for after a cursor neither
/// repeats nor skips a photo when others are added or removed meanwhile, as an offset would.
/// </summary>
public readonly record struct PageCursor(bool Undated, string Taken, long Photo)
{
    /// <summary>The cursor as the API passes it: <c>0:123:2019-07-04T15:30:00</c>.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{(Undated ? 1 : 0)}:{Photo}:{Taken}");

    public static PageCursor Parse(string text)
    {
        var parts = text.Split(':', 3);
        if (parts.Length != 3 || parts[0] is not ("0" or "1") || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long photo))
            throw new InvalidRequestException($"'{text}' is not a page cursor: pass the 'next' of the page before");
        return new PageCursor(parts[0] == "1", parts[2], photo);
    }
}

/// <summary>
/// Which photos: those in which every one of <see cref="People"/> appears (none named: every usable photo), taken
/// from <see cref="From"/> to <see cref="To"/> (whole days of the photo's own clock, both included) when given; a
/// photo of unknown date (dated by its file alone, or not at all) is then left out.
/// </summary>
public sealed record PhotoQuery(IReadOnlyList<long> People, DateOnly? From = null, DateOnly? To = null);

/// <summary>Which page: <see cref="Limit"/> photos from <see cref="Offset"/>, or after <see cref="After"/> when given.</summary>
public sealed record PageRequest(int Offset, int Limit, PageCursor? After = null);

/// <summary>A photo on a page, with the faces that put it there.</summary>
public sealed record PagedPhoto(PhotoRef Photo, IReadOnlyList<FaceRecord> Faces);

/// <summary>
/// A page of photos: how many there are in all, this page's, and where the next begins (null: this is the last);
/// the first and last moments the dated ones of them all were taken (the text <see cref="CaptureDate.Text"/> wrote),
/// null when none is dated.
/// </summary>
public sealed record PhotoPage(int Total, IReadOnlyList<PagedPhoto> Photos, PageCursor? Next)
{
    public string? FirstTaken { get; init; }
    public string? LastTaken { get; init; }
}
