using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// Search over a real SQLite catalog: the catalog's change log keeps the saved index in step through adds,
/// re-analysis and deletions, and the index agrees with exact search.
/// </summary>
public sealed class FaceSearchTests : IDisposable
{
    readonly TempFolder _temp = new();
    readonly SyntheticFaces _synthetic = new(seed: 9);
    readonly Dictionary<string, float[]> _people = [];
    string CatalogPath => _temp.File("c.db");
    string IndexPath => FaceSearch.IndexPathFor(CatalogPath);

    float[] Person(string name) => _people.TryGetValue(name, out var d) ? d : _people[name] = _synthetic.Direction();

    /// <summary>A photo at /photos/NAME/N.jpg with one face of that person.</summary>
    PhotoOutcome Photo(string name, int n, float[]? embedding = null, float age = 30) =>
        new PhotoOutcome.Analysed(new PhotoFile($"/photos/{name}/{n}.jpg", 1, n), [(byte)n],
            new PhotoAnalysis(100, 100, "JPEG", [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f,
                new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), embedding ?? _synthetic.Face(Person(name)),
                new FaceAttributes(age, name.StartsWith('f') ? 0.1f : 0.9f, default, 0.9f, 0.9f))]));

    static List<string> Files(SearchResult result) => result.Hits.Select(h => h.Face.Photo.Path).ToList();

    [Fact]
    public void Should_FollowTheCatalog_When_PhotosAreAddedChangedAndRemoved()
    {
        using var catalog = SqliteCatalog.Open(CatalogPath);
        catalog.Commit([.. Enumerable.Range(1, 3).Select(n => Photo("fanny", n)), .. Enumerable.Range(1, 3).Select(n => Photo("max", n))]);
        var options = new SearchOptions(0.5f, 10, Mode: SearchMode.Index);
        var query = _synthetic.Face(Person("fanny"));

        // The first search builds and saves the index.
        var first = new FaceSearch(catalog, IndexPath).Search(query, options);
        Assert.True(first.UsedIndex);
        Assert.True(File.Exists(IndexPath));
        Assert.Equal(3, first.Hits.Count);

        // New photo, one re-analysed with a new face (now of max), one removed: a new FaceSearch (a new process)
        // loads the saved index and catches up through the change log.
        catalog.Commit([Photo("fanny", 4), Photo("fanny", 2, _synthetic.Face(Person("max")))]);
        var gone = catalog.PhotosUnder("/photos/fanny/3.jpg").Single().Id;
        catalog.RemovePhotos([gone]);
        var messages = new List<string>();
        var search = new FaceSearch(catalog, IndexPath);
        search.IndexChanging += messages.Add;
        var after = search.Search(query, options);

        Assert.Equal(["/photos/fanny/1.jpg", "/photos/fanny/4.jpg"], Files(after).Order());
        Assert.Contains(messages, m => m.Contains("catching up 3 changed faces"));
        Assert.Equal(Files(search.Search(query, options with { Mode = SearchMode.Exact })).Order(), Files(after).Order());
        Assert.Equal(catalog.EmbeddingRevision(), SearchIndex.TryLoad(IndexPath)!.Revision);
    }

    [Fact]
    public void Should_Rebuild_When_TheIndexBelongsToAnotherCatalogOrIsDamaged()
    {
        using (var other = SqliteCatalog.Open(_temp.File("other.db")))
        {
            other.Commit([Photo("max", 1)]);
            new FaceSearch(other, IndexPath).Index(); // saved where c.db's index belongs
        }
        using var catalog = SqliteCatalog.Open(CatalogPath);
        catalog.Commit([Photo("fanny", 1), Photo("fanny", 2)]);
        var messages = new List<string>();
        var search = new FaceSearch(catalog, IndexPath);
        search.IndexChanging += messages.Add;

        var hits = search.Search(_synthetic.Face(Person("fanny")), new SearchOptions(0.5f, 10, Mode: SearchMode.Index));

        Assert.Equal(2, hits.Hits.Count);
        Assert.Contains(messages, m => m.Contains("belongs to another catalog"));

        File.WriteAllText(IndexPath, "damaged");
        var again = new FaceSearch(catalog, IndexPath);
        again.IndexChanging += messages.Add;
        Assert.Equal(2, again.Search(_synthetic.Face(Person("fanny")), new SearchOptions(0.5f, 10, Mode: SearchMode.Index)).Hits.Count);
        Assert.Contains(messages, m => m.Contains("could not be read"));
    }

    [Fact]
    public void Should_ApplyTheFilter_When_SearchingEitherWay()
    {
        using var catalog = SqliteCatalog.Open(CatalogPath);
        catalog.Commit([Photo("fanny", 1, age: 25), Photo("fanny", 2, age: 52), Photo("fanny", 3, age: 33)]);
        var search = new FaceSearch(catalog, IndexPath);
        var query = _synthetic.Face(Person("fanny"));

        foreach (var mode in new[] { SearchMode.Exact, SearchMode.Index })
        {
            var young = search.Search(query, new SearchOptions(0.5f, 10, new SearchFilter(MaxAge: 40), mode));
            var men = search.Search(query, new SearchOptions(0.5f, 10, new SearchFilter(Gender: Gender.Male), mode));
            Assert.Equal(["/photos/fanny/1.jpg", "/photos/fanny/3.jpg"], Files(young).Order());
            Assert.Empty(men.Hits);
        }
    }

    [Fact]
    public void Should_LogEveryEmbeddingChange_When_TheCatalogIsWritten()
    {
        using var catalog = SqliteCatalog.Open(CatalogPath);
        Assert.Equal(0, catalog.EmbeddingRevision());
        catalog.Commit([Photo("max", 1), Photo("max", 2)]);
        long afterAdd = catalog.EmbeddingRevision();
        var faces = catalog.Faces(withEmbeddings: false).Select(f => f.Id).ToList();

        catalog.RemovePhotos([catalog.PhotosUnder("/photos/max/1.jpg").Single().Id]); // cascades to face and embedding

        Assert.Equal(faces.Order(), catalog.FacesChangedSince(0).Order());
        Assert.Equal([faces[0]], catalog.FacesChangedSince(afterAdd));
        Assert.Equal([faces[1]], catalog.FaceVectors().Select(v => v.Id));
        Assert.False(string.IsNullOrEmpty(catalog.CatalogId));
    }

    /// <summary>
    /// A unit face made of <paramref name="parts"/> weighted, with a random direction taking the rest: each part's
    /// weight is then the face's similarity to it, as long as the parts are orthonormal.
    /// </summary>
    float[] Made(params (float[] Part, float Weight)[] parts)
    {
        var v = _synthetic.Direction();
        float rest = MathF.Sqrt(1 - parts.Sum(p => p.Weight * p.Weight));
        for (int i = 0; i < v.Length; i++) v[i] = rest * v[i] + parts.Sum(p => p.Weight * p.Part[i]);
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>The unit part of <paramref name="face"/> that is not along <paramref name="direction"/>: what makes this photo itself (light, pose).</summary>
    static float[] Own(float[] face, float[] direction)
    {
        float along = face.Zip(direction, (a, b) => a * b).Sum();
        var v = face.Zip(direction, (a, b) => a - along * b).ToArray();
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void Should_AnswerWithThePersonAndOnlyCloseLookAlikes_When_SearchingByDefault()
    {
        // Given: two people of five photos each, clustered; lone faces that are like the query photo itself (its
        // light, its pose) and little like fanny's other faces: a twin alike enough on its own (about 0.6), and a
        // stranger only as alike as strangers often are (about 0.33)
        using var catalog = SqliteCatalog.Open(CatalogPath);
        var query = _synthetic.Face(Person("fanny"));
        var own = Own(query, Person("fanny"));
        catalog.Commit([.. Enumerable.Range(1, 5).Select(n => Photo("fanny", n)), .. Enumerable.Range(1, 5).Select(n => Photo("max", n)),
            Photo("twin", 1, Made((Person("fanny"), 0.2f), (own, 0.75f))), Photo("stranger", 1, Made((Person("fanny"), 0.1f), (own, 0.45f)))]);
        new PeopleService(catalog).Cluster(full: true);
        long max = catalog.FacesInPhoto(catalog.PhotosUnder("/photos/max/1.jpg").Single().Id).Single().PersonId!.Value;
        var search = new FaceSearch(catalog, IndexPath);

        // When
        var answer = search.Search(query, new SearchOptions()).Hits;
        var top = search.Search(query, new SearchOptions(Top: 2)).Hits;
        var everyone = search.Search(query, new SearchOptions(MinSimilarity: 0.25f)).Hits;
        var asked = search.Search(search.PersonQuery(max), new SearchOptions(), knownPerson: max).Hits;

        // Then: fanny's photos as the person, the twin as a look-alike after them, nobody else
        Assert.Equal([.. Enumerable.Range(1, 5).Select(n => $"/photos/fanny/{n}.jpg").Order(), "/photos/twin/1.jpg"],
            [.. answer.Take(5).Select(h => h.Face.Photo.Path).Order(), answer[5].Face.Photo.Path]);
        Assert.Equal(6, answer.Count);
        Assert.All(answer.Take(5), h => Assert.Equal(MatchKind.Person, h.Match));
        Assert.Equal(MatchKind.Face, answer[5].Match);
        Assert.Equal(answer.Take(2).Select(h => h.Face.Id), top.Select(h => h.Face.Id));
        // An explicit threshold is the old look-alike search: the stranger over it comes too, nothing is "the person"
        Assert.Contains(everyone, h => h.Face.Photo.Path == "/photos/stranger/1.jpg");
        Assert.All(everyone, h => Assert.Equal(MatchKind.Face, h.Match));
        Assert.Equal(Enumerable.Range(1, 5).Select(n => $"/photos/max/{n}.jpg"), asked.Select(h => h.Face.Photo.Path).Order());
        Assert.All(asked, h => Assert.Equal(MatchKind.Person, h.Match));
    }

    [Fact]
    public void Should_RaiseTheBars_When_TheCatalogOutgrowsTheReferenceSize()
    {
        var rule = Identification.Default;
        Assert.Equal(0, rule.Decades(rule.ReferenceFaces / 10));
        Assert.Equal(rule.FaceThreshold, rule.FaceBar(500));
        Assert.Equal(rule.PersonThreshold + rule.SmallPersonPenalty / 2, rule.PersonBar(4, 500), 5);
        Assert.Equal(rule.FaceThreshold + rule.FaceRisePerDecade * 2, rule.FaceBar(rule.ReferenceFaces * 100), 4);
        Assert.Equal(rule.PersonThreshold + rule.SmallPersonPenalty + rule.PersonRisePerDecade, rule.PersonBar(1, rule.ReferenceFaces * 10), 4);
        Assert.True(rule.Floor(1_000_000) <= Math.Min(rule.FaceBar(1_000_000), rule.PersonBar(10_000, 1_000_000)));
    }

    public void Dispose() => _temp.Dispose();
}
