using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Search;

namespace FaceAtlas.Core.Application;

/// <summary>What a search starts from: a photo's face, a person of the catalog, or one of its faces.</summary>
public abstract record SearchQuery
{
    private SearchQuery() { }

    /// <summary>The <paramref name="Number"/>th largest face (1: the largest) of a photo that is not in the catalog.</summary>
    public sealed record Photo(byte[] Bytes, string Name, int Number = 1) : SearchQuery;

    /// <summary>A person of the catalog: the mean of their faces. They are in the answer whatever the bars say.</summary>
    public sealed record OfPerson(long Person) : SearchQuery;

    /// <summary>A face of the catalog; its person, if it has one, is in the answer as that person.</summary>
    public sealed record LikeFace(long Face) : SearchQuery;
}

/// <summary>
/// The search use case both front ends call: the query's embedding (a photo's face through the shared analyser), the
/// answer for a catalog with no faces (<see cref="NotFoundException"/>), and the search index's life: found or built
/// at the first search, caught up at each later one and kept in between (loading it for each would cost seconds at a
/// million faces). Searches run one at a time; a query photo is analysed (in its turn of the shared analyser) before.
/// </summary>
public sealed class SearchService(ICatalogStore store, SharedAnalyzer analyzer)
{
    readonly Lock _searching = new();
    SearchIndex? _index;

    /// <summary>Told, in words for a person, when the index is built or caught up (a moment at scale).</summary>
    public event Action<string>? IndexChanging;

    public SearchResult Search(IFaceCatalog catalog, SearchQuery query, SearchOptions options)
    {
        if (catalog.Counts().Faces == 0)
            throw new NotFoundException("the catalog has no faces yet; run 'faceatlas index PATH' first");
        float[]? embedding = query is SearchQuery.Photo photo
            ? analyzer.Use(a => QueryFace.Find(a, photo.Bytes, photo.Name, photo.Number))
            : null;
        lock (_searching)
        {
            var search = new FaceSearch(catalog, FaceSearch.IndexPathFor(store.LocalFiles), _index);
            search.IndexChanging += message => IndexChanging?.Invoke(message);
            embedding ??= query switch
            {
                SearchQuery.OfPerson p => search.PersonQuery(p.Person),
                SearchQuery.LikeFace f => search.FaceQuery(f.Face),
                _ => throw new ArgumentException($"an unknown query {query}", nameof(query)),
            };
            // A person of the catalog asked for by id, or by one of their faces, is in the answer as that person.
            long? known = query switch
            {
                SearchQuery.OfPerson p => p.Person,
                SearchQuery.LikeFace f => catalog.Face(f.Face)?.PersonId,
                _ => null,
            };
            var result = search.Search(embedding, options, known);
            _index = search.LoadedIndex;
            return result;
        }
    }
}
