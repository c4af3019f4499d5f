using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Search;

/// <summary>A photo found for a query: its best-matching face, how similar it is, and why it is in the answer.</summary>
public sealed record SearchHit(FaceRecord Face, float Similarity, MatchKind Match = MatchKind.Face);

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
/// How to search: with <paramref name="MinSimilarity"/> null (the default), the photos of the person the query is
/// (<see cref="Identification"/>); with it, every photo whose best face reaches it, look-alikes included. At most
/// <paramref name="Top"/> photos (null: all), faces passing <paramref name="Filter"/>; <paramref name="Ef"/> is the
/// index's breadth of search.
/// </summary>
public sealed record SearchOptions(float? MinSimilarity = null, int? Top = null, SearchFilter? Filter = null, SearchMode Mode = SearchMode.Auto, int Ef = SearchIndex.DefaultEf)
{
    /// <summary>The rule of the default search.</summary>
    public Identification Identification { get; init; } = Identification.Default;
}

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

    /// <summary>
    /// Searches with <paramref name="query"/>; <paramref name="knownPerson"/>, when the query is a person of the
    /// catalog (<c>--person</c>, or <c>--like</c> a face of one), is part of the answer whatever the bars say.
    /// </summary>
    public SearchResult Search(ReadOnlySpan<float> query, SearchOptions options, long? knownPerson = null)
    {
        var filter = options.Filter ?? SearchFilter.None;
        int faces = catalog.Counts().Faces;
        bool exact = options.Mode == SearchMode.Exact || (options.Mode == SearchMode.Auto && faces <= ExactLimit);
        var hits = options.MinSimilarity is { } min
            ? Alike(query, min, options.Top, filter, exact, options.Ef)
            : Identify(query, options.Identification, filter, exact, options.Ef, faces, knownPerson);
        var best = new Dictionary<long, SearchHit>();
        foreach (var hit in hits)
            if (!best.TryGetValue(hit.Face.Photo.Id, out var current) || StandsForPhotoBefore(hit, current))
                best[hit.Face.Photo.Id] = hit;
        var ranked = best.Values.OrderBy(h => h.Match).ThenByDescending(h => h.Similarity).ThenBy(h => h.Face.Id);
        return new SearchResult(ranked.Take(options.Top ?? int.MaxValue).ToList(), !exact, faces);
    }

    /// <summary>Which of two faces of one photo stands for it: the person's face over a look-alike, then the more similar.</summary>
    static bool StandsForPhotoBefore(SearchHit a, SearchHit b) => a.Match != b.Match ? a.Match < b.Match : a.Similarity > b.Similarity;

    /// <summary>Every face at least <paramref name="min"/> alike, whoever it belongs to (as many as make <paramref name="top"/> photos; null: all).</summary>
    IEnumerable<SearchHit> Alike(ReadOnlySpan<float> query, float min, int? top, SearchFilter filter, bool exact, int ef)
    {
        // Faces, not photos, come back from either path; a few more than photos wanted cover photos holding two
        // faces alike (a reflection, a poster behind someone).
        int k = top is { } t ? t + Math.Min(t, 16) : MaxCandidates;
        var matches = Matches(query, k, filter, exact, ef).TakeWhile(m => m.Similarity >= min).ToList(); // best first
        return Read(matches).Select(m => new SearchHit(m.Face, m.Similarity));
    }

    /// <summary>The faces of <paramref name="matches"/> that still exist, in their order, read in one go.</summary>
    List<(FaceRecord Face, float Similarity)> Read(IReadOnlyList<FaceMatch> matches)
    {
        var faces = catalog.FacesWithIds(matches.Select(m => m.Face).ToList()).ToDictionary(f => f.Id);
        return matches.Where(m => faces.ContainsKey(m.Face)).Select(m => (faces[m.Face], m.Similarity)).ToList();
    }

    /// <summary>
    /// The photos of the people the query is, and the faces outside them that pass the face bar
    /// (<see cref="Identification"/>). People are recognised by all their faces; the filter chooses which come back.
    /// </summary>
    List<SearchHit> Identify(ReadOnlySpan<float> query, Identification rule, SearchFilter filter, bool exact, int ef, int catalogFaces, long? knownPerson)
    {
        var q = query.ToArray();
        float faceBar = rule.FaceBar(catalogFaces), floor = rule.Floor(catalogFaces);
        // Best first: no face below the floor can matter to either rule.
        var candidates = Read(Matches(query, MaxCandidates, SearchFilter.None, exact, ef).TakeWhile(m => m.Similarity >= floor).ToList());
        var hits = new List<SearchHit>();
        var recognised = new HashSet<long>();
        var people = candidates.Select(c => c.Face.PersonId).OfType<long>().ToHashSet();
        if (knownPerson is { } known) people.Add(known);
        foreach (long person in people)
        {
            var members = catalog.FacesOfPerson(person).ToDictionary(f => f.Id);
            var similarities = catalog.FaceVectors(members.Keys).Select(v => (v.Id, Similarity: TensorPrimitives.Dot(q, v.Embedding))).ToList();
            if (similarities.Count == 0 || (person != knownPerson && similarities.Average(s => s.Similarity) < rule.PersonBar(similarities.Count, catalogFaces))) continue;
            recognised.Add(person);
            hits.AddRange(similarities.Where(s => filter.Accepts(members[s.Id].Attributes)).Select(s => new SearchHit(members[s.Id], s.Similarity, MatchKind.Person)));
        }
        hits.AddRange(candidates.Where(c => c.Similarity >= faceBar && !(c.Face.PersonId is { } p && recognised.Contains(p)) && filter.Accepts(c.Face.Attributes))
            .Select(c => new SearchHit(c.Face, c.Similarity)));
        return hits;
    }

    /// <summary>Faces the query may be wanted for: more than any person or look-alike answer needs in practice.</summary>
    const int MaxCandidates = 512;

    IReadOnlyList<FaceMatch> Matches(ReadOnlySpan<float> query, int k, SearchFilter filter, bool exact, int ef) =>
        exact ? Exact(query, k, filter) : Index().Search(query, k, filter, Math.Max(ef, k));

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
        if (sum is null) throw new NotFoundException($"no person {person} with faces");
        TensorPrimitives.Divide(sum, TensorPrimitives.Norm(sum), sum);
        return sum;
    }

    /// <summary>The embedding of one face of the catalog, as a query.</summary>
    public float[] FaceQuery(long face) =>
        catalog.FaceVectors([face]).FirstOrDefault()?.Embedding ?? throw new NotFoundException($"no face {face} with an embedding");

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

    /// <summary>
    /// Erases faces the catalog no longer holds (a forgotten person's) from the saved index, in place: it is caught
    /// up through the change log, which wipes their codes, and saved whole. An index that cannot be saved is deleted
    /// instead, so no file keeps a trace of them. Returns whether a saved index was kept up to date.
    /// </summary>
    public bool EraseRemovedFaces()
    {
        if (!File.Exists(indexPath)) return false;
        Index();
        if (SearchIndex.TryLoadRevision(indexPath) == catalog.EmbeddingRevision()) return true;
        File.Delete(indexPath);
        return false;
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
