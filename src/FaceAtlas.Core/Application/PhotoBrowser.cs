using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Application;

/// <summary>
/// The photos a family looks for: those of one person, of several together ("the kids with grandma"), or all, in a
/// span of days; newest first, a page at a time (<see cref="ICatalog.Photos"/>). Every request is checked first.
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
}
