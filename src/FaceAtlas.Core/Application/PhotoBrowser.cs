using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Application;

/// <summary>
/// The photos a family looks for: those of one person, of several together ("the kids with grandma"), or all, in a
/// span of days, or of one person at an age; newest first, a page at a time (<see cref="ICatalog.Photos"/>). Every
/// request is checked first.
/// </summary>
public sealed class PhotoBrowser(IFaceCatalog catalog)
{
    public PhotoPage Photos(PhotoQuery query, PageRequest page)
    {
        var people = new PeopleService(catalog);
        PeopleService.RefuseRepeatedIds(query.People, "person");
        foreach (var person in query.People) people.Get(person);
        if (query.From > query.To) throw new InvalidRequestException($"the span ends ({query.To:yyyy-MM-dd}) before it begins ({query.From:yyyy-MM-dd})");
        return catalog.Photos(query, page);
    }

    /// <summary>
    /// <paramref name="query"/> narrowed to the photos taken while its one person was <paramref name="ageFrom"/> to
    /// <paramref name="ageTo"/> years old (whole years, either open): the days their birth day gives, within the
    /// query's own span. An age is a span of days, so the catalog's date filter does the work and the photos of
    /// unknown date (a file's date is not the photo's) are left out as by any span. Unchanged when no age is given.
    /// </summary>
    public PhotoQuery AtAges(PhotoQuery query, int? ageFrom, int? ageTo)
    {
        if (ageFrom is null && ageTo is null) return query;
        if (ageFrom < 0 || ageTo < 0 || ageFrom > ageTo)
            throw new InvalidRequestException("ages are whole years from 0, the first not above the last");
        if (query.People.Count != 1) throw new InvalidRequestException("photos by age are those of one person: name exactly one");
        var person = new PeopleService(catalog).Get(query.People[0]);
        var birth = person.Birth ?? throw new InvalidRequestException(
            $"{person.Name ?? $"person {person.Id}"} has no birth day: set it (people birth) to see photos by age");
        // Far past any age a person reaches, and the calendar's end (year 9999) would be passed.
        if (ageFrom > MaxAge || ageTo > MaxAge) throw new InvalidRequestException($"ages go up to {MaxAge}");
        var (from, to) = PersonAge.Days(birth, ageFrom, ageTo);
        var narrowed = query with { From = Later(query.From, from), To = Earlier(query.To, to) };
        if (narrowed.From > narrowed.To)
            throw new InvalidRequestException($"no day at those ages ({Text(from) ?? "birth"} to {Text(to) ?? "now"}) is within the span asked for");
        return narrowed;
    }

    /// <summary>The oldest age asked for.</summary>
    public const int MaxAge = 1000;

    static string? Text(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    static DateOnly? Later(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
    static DateOnly? Earlier(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
