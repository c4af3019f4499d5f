using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Search;

/// <summary>A photo found for a query: its best-matching face and how similar it is.</summary>
public sealed record SearchHit(FaceRecord Face, float Similarity);

public enum SearchMode
{
    /// <summary>Exact up to <see cref="FaceSearch.ExactLimit"/> faces (as fast there), the index above.</summary>
    Auto,
    /// <summary>Every face compared in float32: the reference, linear in the catalog's size.</summary>
    Exact,
    /// <summary>The HNSW index, whatever the size.</summary>
    Index,
}

/// <summary>
/// How to search: photos whose best face reaches <paramref name="MinSimilarity"/>, at most <paramref name="Top"/>
/// of them, faces passing <paramref name="Filter"/>; <paramref name="Ef"/> is the index's breadth of search.
/// </summary>
public sealed record SearchOptions(float MinSimilarity, int Top, SearchFilter? Filter = null, SearchMode Mode = SearchMode.Auto, int Ef = SearchIndex.DefaultEf);

/// <summary>What a search found and how: <paramref name="UsedIndex"/> is false for an exact search.</summary>
public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, bool UsedIndex, int FacesSearched);

/// <summary>
/// Finds the photos of a person from one embedding, each photo ranked by its most similar face, best first. Small
/// catalogs are searched exactly; larger ones through the <see cref="SearchIndex"/> saved at
/// <paramref name="indexPath"/>, which is brought up to date with the catalog first (built if missing, unreadable
/// or belonging to another catalog).
/// </summary>
public sealed class FaceSearch(ICatalog catalog, string indexPath, SearchIndex? loaded = null)
{
    /// <summary>Up to this many faces an exact search costs about what loading the index would (tens of milliseconds).</summary>
    public const int ExactLimit = 20_000;

    /// <summary>An index already in memory (a server keeps one between requests); caught up, not reloaded, when stale.</summary>
    SearchIndex? _index = loaded;

    /// <summary>The index as the last search left it, for a caller that keeps it for the next.</summary>
    public SearchIndex? LoadedIndex => _index;

    /// <summary>Told, in words for a person, when the index is built or caught up (which takes a moment at scale).</summary>
    public event Action<string>? IndexChanging;

    /// <summary>Where the index of the catalog at <paramref name="catalogPath"/> lives: beside it.</summary>
    public static string IndexPathFor(string catalogPath) => catalogPath + ".search";

    public SearchResult Search(ReadOnlySpan<float> query, SearchOptions options)
    {
        var filter = options.Filter ?? SearchFilter.None;
        int faces = catalog.Counts().Faces;
        bool exact = options.Mode == SearchMode.Exact || (options.Mode == SearchMode.Auto && faces <= ExactLimit);
        // Faces, not photos, come back from either path; a few more than photos wanted cover photos holding two
        // faces alike (a reflection, a poster behind someone).
        int k = options.Top + Math.Min(options.Top, 16);
        var matches = exact ? Exact(query, k, filter) : Index().Search(query, k, filter, Math.Max(options.Ef, k));
        var best = new Dictionary<long, SearchHit>();
        foreach (var m in matches)
        {
            if (m.Similarity < options.MinSimilarity) break; // best first
            if (catalog.Face(m.Face) is not { } face) continue;
            if (!best.TryGetValue(face.Photo.Id, out var current) || m.Similarity > current.Similarity)
                best[face.Photo.Id] = new SearchHit(face, m.Similarity);
        }
        var hits = best.Values.OrderByDescending(h => h.Similarity).ThenBy(h => h.Face.Id).Take(options.Top).ToList();
        return new SearchResult(hits, !exact, faces);
    }

    /// <summary>The mean of a person's face embeddings, L2-normalised: the person as one query.</summary>
    public float[] PersonQuery(long person)
    {
        var faces = catalog.FacesOfPerson(person).Select(f => f.Id).ToList();
        float[]? sum = null;
        foreach (var face in catalog.FaceVectors(faces))
        {
            sum ??= new float[face.Embedding.Length];
            TensorPrimitives.Add(sum, face.Embedding, sum);
        }
        if (sum is null) throw new People.PeopleException($"no person {person} with faces");
        TensorPrimitives.Divide(sum, TensorPrimitives.Norm(sum), sum);
        return sum;
    }

    /// <summary>The embedding of one face of the catalog, as a query.</summary>
    public float[] FaceQuery(long face) =>
        catalog.FaceVectors([face]).FirstOrDefault()?.Embedding ?? throw new People.PeopleException($"no face {face} with an embedding");

    /// <summary>
    /// The index, current with the catalog: loaded from its file and caught up through the catalog's change log,
    /// or built anew; saved again when it changed. Returns the same instance until the catalog changes.
    /// </summary>
    public SearchIndex Index(int threads = 0)
    {
        long revision = catalog.EmbeddingRevision();
        if (_index is { } ready && ready.Revision == revision) return ready;
        var index = _index ?? SearchIndex.TryLoad(indexPath);
        string? why = index is null ? (File.Exists(indexPath) ? "the search index could not be read" : "there is no search index yet")
            : index.CatalogId != catalog.CatalogId ? "the search index belongs to another catalog"
            : index.Revision > revision ? "the search index is newer than the catalog (restored from a backup?)"
            : null;
        if (why is not null)
        {
            IndexChanging?.Invoke($"{why}; building it over {catalog.Counts().Faces:N0} faces");
            index = SearchIndex.Build(catalog.FaceVectors().ToList(), catalog.CatalogId, revision, threads);
        }
        else if (index!.Revision < revision)
        {
            var changed = catalog.FacesChangedSince(index.Revision);
            IndexChanging?.Invoke($"the search index is behind the catalog; catching up {changed.Count:N0} changed faces");
            index = index.Apply(changed, catalog.FaceVectors(changed).ToList(), revision, threads);
        }
        else
            return _index = index;
        TrySave(index);
        return _index = index;
    }

    /// <summary>A read-only place loses only the saving: the index works from memory, and is rebuilt next time.</summary>
    void TrySave(SearchIndex index)
    {
        try
        {
            index.Save(indexPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    List<FaceMatch> Exact(ReadOnlySpan<float> query, int k, SearchFilter filter)
    {
        var q = query.ToArray();
        var heap = new PriorityQueue<long, float>(k + 1);
        foreach (var face in catalog.FaceVectors())
        {
            if (!filter.Accepts(face.Attributes)) continue;
            float similarity = TensorPrimitives.Dot(q, face.Embedding);
            if (heap.Count < k) heap.Enqueue(face.Id, similarity);
            else if (heap.TryPeek(out _, out float worst) && similarity > worst) heap.DequeueEnqueue(face.Id, similarity);
        }
        var list = new List<FaceMatch>(heap.Count);
        while (heap.TryDequeue(out long id, out float s)) list.Add(new FaceMatch(id, s));
        list.Reverse();
        return list;
    }
}
