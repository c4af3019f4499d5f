using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Tests;

/// <summary>People rules against a real SQLite catalog holding synthetic faces.</summary>
public sealed class PeopleServiceTests : IDisposable
{
    readonly TempFolder _temp = new();
    readonly SqliteCatalog _catalog;
    readonly PeopleService _people;
    readonly SyntheticFaces _s = new(11);
    readonly Library _library;

    public PeopleServiceTests()
    {
        _catalog = SqliteCatalog.Open(_temp.File("c.db"));
        _people = new PeopleService(_catalog);
        _library = new Library(_catalog);
    }

    void AddPhotos(IEnumerable<(string Identity, float[] Embedding)> faces, float score = 0.99f, float? quality = null) => _library.AddPhotos(faces, score, quality);

    /// <summary>A catalog filled with one-face photos under /photos/IDENTITY/.</summary>
    sealed class Library(SqliteCatalog catalog)
    {
        int _photo;

        /// <param name="quality">The faces' quality; null: faces without attributes.</param>
        public void AddPhotos(IEnumerable<(string Identity, float[] Embedding)> faces, float score = 0.99f, float? quality = null)
        {
            var outcomes = new List<PhotoOutcome>();
            foreach (var (identity, embedding) in faces)
            {
                var path = $"/photos/{identity}/{++_photo}.jpg";
                outcomes.Add(new PhotoOutcome.Analysed(new PhotoFile(path, 1, 1), [1], new PhotoAnalysis(100, 100, "JPEG",
                    [new FaceObservation(new FaceBox(10, 10, 50, 50), score, new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), embedding,
                    quality is { } q ? new FaceAttributes(30, 0.5f, new HeadPose(0, 0, 0), 0.5f, q) : null)])));
            }
            catalog.Commit(outcomes);
        }

        /// <summary>(true identity, person or, for a face in no person, a cluster of its own).</summary>
        public List<(string Identity, long Cluster)> Labelled() =>
            catalog.Faces(false).Select(f => (f.Photo.Path.Split('/')[2], f.PersonId ?? -f.Id)).ToList();
    }

    List<(string, float[])> World(int seed)
    {
        var s = new SyntheticFaces(seed);
        var random = new Random(seed);
        var faces = new List<(string, float[])>();
        for (int k = 0; k < 40; k++)
        {
            var id = s.Direction();
            int count = k < 15 ? 1 : random.Next(2, 9);  // many people appear once
            for (int i = 0; i < count; i++) faces.Add(($"p{k}", s.Face(id, noise: 0.032)));
        }
        return faces.OrderBy(_ => random.Next()).ToList();
    }

    [Fact]
    public void Should_MatchABatchRun_When_ClusteredIncrementallyInFiveBatches()
    {
        // Given: one world of faces, clustered once in a second catalog
        var world = World(21);
        ClusteringReport batch;
        using (var batchCatalog = SqliteCatalog.Open(_temp.File("batch.db")))
        {
            var library = new Library(batchCatalog);
            library.AddPhotos(world);
            new PeopleService(batchCatalog).Cluster(full: true);
            batch = ClusteringReport.Of(library.Labelled());
        }

        // When: the same faces arrive in five batches, clustered after each
        var seenIds = new HashSet<long>();
        foreach (var chunk in world.Chunk((world.Count + 4) / 5))
        {
            AddPhotos(chunk);
            _people.Cluster(full: false);
            foreach (var p in _people.List()) seenIds.Add(p.Id);
        }
        var incremental = ClusteringReport.Of(_library.Labelled());

        // Then: within half a point of F, and every person made along the way still exists
        Assert.True(Math.Abs(incremental.BCubed.F - batch.BCubed.F) <= 0.005, $"BCubed F incremental {incremental.BCubed.F:F4} vs batch {batch.BCubed.F:F4}");
        Assert.True(Math.Abs(incremental.Pairwise.F - batch.Pairwise.F) <= 0.005, $"pairwise F incremental {incremental.Pairwise.F:F4} vs batch {batch.Pairwise.F:F4}");
        Assert.True(incremental.BCubed.F > 0.95, $"BCubed F {incremental.BCubed.F:F4}");
        Assert.Subset(seenIds, _people.List().Select(p => p.Id).ToHashSet());
    }

    /// <summary>Each person's faces, and the faces in none, as comparable text (ids of people left out).</summary>
    static List<string> Grouping(SqliteCatalog catalog) => catalog.Faces(false)
        .GroupBy(f => f.PersonId).Select(g => (g.Key is null ? "none: " : "person: ") + string.Join(",", g.Select(f => f.Id).Order()))
        .Order().ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_PlaceNewFacesAsAWholeCatalogRunDoes_When_ClusteredByTheirNeighbourhood(bool throughTheSearchIndex)
    {
        // Given: the same faces arriving in five batches into two catalogs, with the same decisions of a user between
        using var whole = SqliteCatalog.Open(_temp.File("whole.db"));
        var wholeLibrary = new Library(whole);
        var wholePeople = new PeopleService(whole);
        var nearPeople = new PeopleService(_catalog, ClusteringOptions.Default with { NeighbourhoodShare = 1 });
        var world = World(33).Concat(World(34).Select(f => ("q" + f.Item1, f.Item2))).ToList();
        var runs = new List<ClusteringSummary>();
        int batch = 0;
        foreach (var chunk in world.Chunk((world.Count + 4) / 5))
        {
            AddPhotos(chunk);
            wholeLibrary.AddPhotos(chunk);

            // When: one clusters every face, the other the new faces against what is found near them
            wholePeople.Cluster(full: false);
            IFaceNeighbours neighbours = throughTheSearchIndex
                ? new FaceAtlas.Core.Search.IndexedNeighbours(FaceAtlas.Core.Search.SearchIndex.Build(_catalog.FaceVectors().ToList(), _catalog.CatalogId, 0))
                : new EveryFace(_catalog);
            runs.Add(nearPeople.Cluster(full: false, neighbours: neighbours));

            // Then: every face where the other put it
            Assert.Equal(Grouping(whole), Grouping(_catalog));
            if (++batch == 2)
            {
                // the user's decisions, alike in both: a face moved into another person, one said not to be its person
                var (largest, second) = (wholePeople.List()[0].Id, wholePeople.List()[1].Id);
                var (moved, rejected) = (whole.FacesOf(largest)[0], whole.FacesOf(second)[0]);
                foreach (var (catalog, people) in new[] { (whole, wholePeople), (_catalog, nearPeople) })
                {
                    people.MoveFaces([moved], catalog.FacePeople([whole.FacesOf(second)[1]]).Single().Value);
                    people.RejectFaces([rejected], catalog.FacePeople([rejected]).Single().Value!.Value);
                }
            }
        }
        Assert.All(runs, r => Assert.True(r.Neighbourhood));
        Assert.True(runs.Sum(r => r.NewPeople) >= 20, $"{runs.Sum(r => r.NewPeople)} people made");
        Assert.True(runs.Skip(1).Sum(r => r.FacesAssigned) > 50, "later batches join people made before");
    }

    [Fact]
    public void Should_DropAPersonWhosePhotosAreGone_When_ClusteredByNeighbourhoodWithNothingNew()
    {
        // Given: two people, and every photo of the second deleted (as an index finds their files gone)
        var (a, b) = TwoPeople();
        _catalog.RemovePhotos(_catalog.Faces(false).Where(f => f.PersonId == b).Select(f => f.Photo.Id).ToList());

        // When: the follow-up's clustering, by neighbourhood, finds no new face
        var summary = new PeopleService(_catalog, ClusteringOptions.Default with { NeighbourhoodShare = 1 }).Cluster(full: false, neighbours: new EveryFace(_catalog));

        // Then: the emptied person the machine made is gone, as after a run over every face
        Assert.True(summary.Neighbourhood);
        Assert.Equal(0, summary.Faces);
        Assert.Equal([a], _people.List().Select(p => p.Id));
    }

    (long A, long B) TwoPeople()
    {
        var (a, b) = (_s.Direction(), _s.Direction());
        AddPhotos(Enumerable.Range(0, 4).Select(_ => ("a", _s.Face(a))).Concat(Enumerable.Range(0, 3).Select(_ => ("b", _s.Face(b)))));
        _people.Cluster(full: true);
        var people = _people.List();
        Assert.Equal(2, people.Count);
        return (people[0].Id, people[1].Id); // most faces first: a, then b
    }

    [Fact]
    public void Should_KeepUserDecisions_When_ReclusteringFully()
    {
        // Given: two people; the user names one, moves a face of A into B, and says another face of A is not A
        var (a, b) = TwoPeople();
        var facesOfA = _catalog.FacesOf(a);
        _people.MoveFaces([facesOfA[0]], b);
        _people.RejectFaces([facesOfA[1]], a);
        _people.Name(a, "Ada");

        // When
        _people.Cluster(full: true);
        _people.Cluster(full: false);

        // Then
        Assert.Equal("Ada", _people.Get(a).Name);
        Assert.Contains(facesOfA[0], _catalog.FacesOf(b));
        Assert.DoesNotContain(facesOfA[1], _catalog.FacesOf(a));
        Assert.Equal(2, _people.Get(a).Faces);
    }

    [Fact]
    public void Should_HoldBothSets_When_Merged()
    {
        var (a, b) = TwoPeople();
        _people.Name(b, "Bea");

        var merged = _people.Merge(a, [b]);

        Assert.Equal(7, merged.Faces);
        Assert.Equal("Bea", merged.Name); // the unnamed target takes the name
        Assert.Throws<FaceAtlas.Core.NotFoundException>(() => _people.Get(b));
        _people.Cluster(full: true);
        Assert.Equal(7, _people.Get(a).Faces);
    }

    [Fact]
    public void Should_ChangeNothing_When_RequestIsInvalid()
    {
        var (a, b) = TwoPeople();
        var before = _catalog.Faces(false).Select(f => (f.Id, f.PersonId)).ToList();

        Assert.Throws<FaceAtlas.Core.NotFoundException>(() => _people.Merge(a, [b, 999]));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Merge(a, [a]));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Merge(a, [b, b]));       // a repeated id is a mistyped request
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.MoveFaces([_catalog.FacesOf(a)[0], _catalog.FacesOf(a)[0]], b));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.RejectFaces([_catalog.FacesOf(a)[1], _catalog.FacesOf(a)[1]], a));
        Assert.Throws<FaceAtlas.Core.NotFoundException>(() => _people.MoveFaces([_catalog.FacesOf(a)[0], 12345], b));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.RejectFaces([_catalog.FacesOf(b)[0]], a));
        Assert.Throws<FaceAtlas.Core.NotFoundException>(() => _people.Name(999, "x"));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Name(a, "  "));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Name(a, "a/b"));
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Name(a, "Ann\nBob"));     // a line break would forge a row of every list
        Assert.Throws<FaceAtlas.Core.InvalidRequestException>(() => _people.Name(a, "Ann\u001b[31m")); // an escape would drive the terminal

        Assert.Equal(before, _catalog.Faces(false).Select(f => (f.Id, f.PersonId)).ToList());
        Assert.Null(_people.Get(a).Name);
    }

    [Fact]
    public void Should_SeparateTwoPeople_When_SplittingAWrongMerge()
    {
        var (a, b) = TwoPeople();
        _people.Merge(a, [b]);

        var parts = _people.Split(a);

        Assert.Equal(2, parts.Count);
        Assert.Equal(4, _people.Get(parts[0]).Faces);
        Assert.Equal(3, _people.Get(parts[1]).Faces);
    }

    [Fact]
    public void Should_SuggestTheLikelySamePeople_When_OnePersonIsSplit()
    {
        // Given: one identity the user split into two people by hand
        var id = _s.Direction();
        AddPhotos(Enumerable.Range(0, 6).Select(_ => ("a", _s.Face(id))));
        var faces = _catalog.Faces(false).Select(f => f.Id).ToList();
        long first = _people.MoveFaces(faces.Take(3).ToList(), null);
        long second = _people.MoveFaces(faces.Skip(3).ToList(), null);
        var (c, d) = (_s.Direction(), _s.Direction());
        AddPhotos([("c", _s.Face(c)), ("c", _s.Face(c)), ("d", _s.Face(d)), ("d", _s.Face(d))]);
        _people.Cluster(full: false);

        var suggestions = _people.Suggest();

        var top = suggestions[0];
        Assert.Equal([first, second], new[] { top.First.Id, top.Second.Id }.Order());
        Assert.True(top.Similarity > 0.6);
    }

    [Theory]
    [InlineData(0.89f, null)]  // the detector unsure (as of the hand in the group photos)
    [InlineData(0.99f, 0.05f)] // sure, but a blur (as the background faces of deepface's person_02)
    public void Should_NotSuggestAPersonOfDoubtfulOrVeryPoorFaces_When_TheyLookAlike(float score, float? quality)
    {
        // Given: Ann in four photos (quality 0.6), and a person of four faces like her that are doubtful or very poor,
        // placed apart by the user
        var id = _s.Direction();
        AddPhotos(Enumerable.Range(0, 4).Select(_ => ("ann", _s.Face(id))), quality: 0.6f);
        AddPhotos(Enumerable.Range(0, 4).Select(_ => ("doubt", _s.Face(id))), score, quality);
        var faces = _catalog.Faces(false).OrderBy(f => f.Id).ToList();
        long ann = _people.MoveFaces(faces.Take(4).Select(f => f.Id).ToList(), null);
        long doubtful = _people.MoveFaces(faces.Skip(4).Select(f => f.Id).ToList(), null);
        // and a third of one doubted detection and one sure face
        long sure = _people.MoveFaces([faces[4].Id], null);
        _people.MoveFaces([faces[0].Id], sure);

        var suggestions = _people.Suggest();

        // Then: the doubted person seeds nothing; the others are still suggested
        Assert.DoesNotContain(suggestions, s => s.First.Id == doubtful || s.Second.Id == doubtful);
        Assert.Contains(suggestions, s => new[] { s.First.Id, s.Second.Id }.Order().SequenceEqual(new[] { ann, sure }.Order()));
        Assert.Equal(3, _catalog.Person(doubtful)!.Faces);
    }

    [Fact]
    public void Should_LeaveSuggestionsAndReview_When_NotAFace()
    {
        // Given: one identity split in two people by hand, and a leftover face
        var id = _s.Direction();
        AddPhotos(Enumerable.Range(0, 5).Select(_ => ("a", _s.Face(id))));
        var faces = _catalog.Faces(false).Select(f => f.Id).Order().ToList();
        long first = _people.MoveFaces(faces.Take(2).ToList(), null);
        long second = _people.MoveFaces(faces.Skip(2).Take(2).ToList(), null);
        Assert.Single(_people.Suggest());
        Assert.Contains(new FaceReview(_catalog).Groups(), g => g.Faces.Contains(faces[4]));

        // When: the second's faces and the leftover are not faces
        _people.NotAFace([faces[2], faces[3], faces[4]]);

        // Then: the second person is gone, nothing is suggested, nothing to review, and clustering leaves them be
        Assert.Null(_catalog.Person(second));
        Assert.Empty(_people.Suggest());
        Assert.Empty(new FaceReview(_catalog).Groups());
        _people.Cluster(full: true);
        Assert.Equal([faces[0], faces[1]], _catalog.FacesOf(first));
        Assert.Equal(2, _catalog.Counts().Faces);
    }

    [Fact]
    public void Should_HideAndShow_When_Asked()
    {
        var (a, _) = TwoPeople();

        _people.Hide(a, true);

        Assert.DoesNotContain(_people.List(), p => p.Id == a);
        Assert.Contains(_people.List(includeHidden: true), p => p.Id == a && p.Hidden);
        _people.Hide(a, false);
        Assert.Contains(_people.List(), p => p.Id == a);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _temp.Dispose();
    }
}
