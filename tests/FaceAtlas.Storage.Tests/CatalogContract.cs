using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Vision;

namespace FaceAtlas.Storage.Tests;

/// <summary>
/// What every catalog behind <see cref="ICatalogStore"/> must do, written against the port alone: a new backend
/// derives from this class, gives <see cref="NewStore"/>, and passes the same tests unchanged.
/// </summary>
public abstract class CatalogContract
{
    /// <summary>A store for a catalog that does not exist yet; each call a different one.</summary>
    protected abstract ICatalogStore NewStore();

    /// <summary>
    /// Whether several indexes write at once and share the work (a server), rather than one writer at a time with
    /// the others told the catalog is busy (a file).
    /// </summary>
    protected abstract bool SharesWork { get; }

    /// <summary>Runs SQL on the store's database from outside the catalog (as a damaged disk or a foreign tool would change it).</summary>
    protected abstract void RunSql(ICatalogStore store, string sql);

    static readonly FivePoints Points = new(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10));

    /// <summary>A unit vector leaning on dimension <paramref name="axis"/>: faces of one axis are one person.</summary>
    static float[] Embedding(int axis, float jitter = 0)
    {
        var v = new float[512];
        v[axis] = 1;
        v[(axis + 1) % 512] = jitter;
        FaceEmbedder.Normalize(v);
        return v;
    }

    static PhotoOutcome.Analysed Photo(string path, params int[] axes) => new(
        new PhotoFile(path, 100 + path.Length, 1), [1, 2, (byte)path.Length],
        new PhotoAnalysis(640, 480, "JPEG", axes.Select((axis, i) => new FaceObservation(
            new FaceBox(10 + 100 * i, 20, 30, 30), 0.9f, Points, Embedding(axis, 0.01f * i),
            new FaceAttributes(30 + i, 0.2f, new HeadPose(1, 2, 3), 0.7f, 0.8f))).ToList()));

    IFaceCatalog Created(out ICatalogStore store)
    {
        store = NewStore();
        using (store.OpenForWriting(create: true)) { }
        return store.Open();
    }

    [ContractFact]
    public void Should_ReplaceFacesNotDuplicate_When_SamePhotoIsWrittenTwice()
    {
        using var catalog = Created(out _);

        catalog.Commit([Photo("/p/a.jpg", 1, 2)]);
        catalog.Commit([Photo("/p/a.jpg", 1, 2, 3)]);

        Assert.Equal(new CatalogCounts(1, 1, 3, 0), catalog.Counts());
    }

    [ContractFact]
    public void Should_CountAFailedPhotoApart_When_ItCannotBeUsed()
    {
        using var catalog = Created(out _);

        catalog.Commit([Photo("/p/a.jpg", 1), new PhotoOutcome.Failed(new PhotoFile("/p/bad.jpg", 5, 1), [9], "not a photo")]);

        Assert.Equal(new CatalogCounts(2, 1, 1, 1), catalog.Counts());
        Assert.Contains(catalog.PhotosUnder("/p"), p => p.Path == "/p/bad.jpg");
    }

    [ContractFact]
    public void Should_FindOnlyPhotosUnderTheRoot_When_PathsShareAPrefix()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/a.jpg", 1), Photo("/p/sub/b.jpg", 1), Photo("/p2/c.jpg", 1), Photo("/p-x/d.jpg", 1), Photo("/p%/e.jpg", 1)]);

        Assert.Equal(["/p/a.jpg", "/p/sub/b.jpg"], catalog.PhotosUnder("/p").Select(p => p.Path).Order().ToList());
        Assert.Equal(["/p/a.jpg"], catalog.PhotosUnder("/p/a.jpg").Select(p => p.Path).ToList());
        Assert.Equal(["/p%/e.jpg", "/p2/c.jpg"], // the two paths of 9 characters: files of 109 bytes
            catalog.PhotosOfSizes(new HashSet<long> { 109 }).Select(p => p.Path).Order(StringComparer.Ordinal).ToList());
    }

    [ContractFact]
    public void Should_RoundTripEverythingAFaceHolds_When_Stored()
    {
        using var catalog = Created(out _);
        var photo = Photo("/p/a.jpg", 7);
        catalog.Commit([photo]);

        var face = catalog.Faces(withEmbeddings: true).Single();
        var written = photo.Analysis.Faces[0];

        Assert.Equal(written.Embedding, face.Embedding);
        Assert.Equal(written.Points, face.Points);
        Assert.Equal(written.Box, face.Box);
        Assert.Equal(written.Score, face.Score);
        Assert.Equal(written.Attributes, face.Attributes);
        Assert.Equal(("/p/a.jpg", 640, 480), (face.Photo.Path, face.Photo.Width, face.Photo.Height));
        Assert.Null(catalog.Faces(withEmbeddings: false).Single().Embedding);
        Assert.Equal(face.Id, catalog.Face(face.Id)!.Id);
        Assert.Null(catalog.Face(face.Id + 1000));
        Assert.Equal([face.Id], catalog.FacesInPhoto(face.Photo.Id).Select(f => f.Id));
        Assert.Equal(written.Embedding, catalog.FaceVectors([face.Id]).Single().Embedding);
    }

    [ContractFact]
    public void Should_KeepAVideosLengthAndEachFacesMoment_When_Stored()
    {
        using var catalog = Created(out _);
        var video = Photo("/p/clip.mp4", 3, 9);
        var faces = video.Analysis.Faces.Select((f, i) => f with { FrameMs = 1000 + 2000 * i }).ToList();
        var written = video with { Analysis = video.Analysis with { Faces = faces, Format = "MP4", DurationMs = 61_500 } };
        catalog.Commit([Photo("/p/a.jpg", 7), written]);

        var stored = catalog.Faces(withEmbeddings: false).ToList();
        var inVideo = stored.Where(f => f.Photo.Path == "/p/clip.mp4").OrderBy(f => f.FrameMs).ToList();
        Assert.Equal([1000L, 3000L], inVideo.Select(f => f.FrameMs!.Value));
        Assert.All(inVideo, f => Assert.Equal(61_500, f.Photo.DurationMs));
        Assert.True(inVideo[0].Photo.IsVideo);
        var photo = stored.Single(f => f.Photo.Path == "/p/a.jpg");
        Assert.Null(photo.FrameMs);
        Assert.False(photo.Photo.IsVideo);
        Assert.Equal(61_500, catalog.Photo(inVideo[0].Photo.Id)!.Value.DurationMs);
        Assert.Null(catalog.Photo(photo.Photo.Id)!.Value.DurationMs);
    }

    [ContractFact]
    public void Should_LogEveryEmbeddingChange_When_FacesComeAndGo()
    {
        using var catalog = Created(out _);
        Assert.Equal(0, catalog.EmbeddingRevision());
        catalog.Commit([Photo("/p/a.jpg", 1), Photo("/p/b.jpg", 2)]);
        long afterAdd = catalog.EmbeddingRevision();
        var gone = catalog.PhotosUnder("/p/a.jpg").Single();
        var goneFace = catalog.FacesInPhoto(gone.Id).Single().Id;

        Assert.Equal(1, catalog.RemovePhotos([gone.Id]));

        Assert.True(afterAdd > 0);
        Assert.True(catalog.EmbeddingRevision() > afterAdd);
        Assert.Equal([goneFace], catalog.FacesChangedSince(afterAdd));
        Assert.Empty(catalog.FaceVectors([goneFace]));
        Assert.Equal(new CatalogCounts(1, 1, 1, 0), catalog.Counts());
    }

    [ContractFact]
    public void Should_KeepPeopleAndTheUsersDecisions_When_ClusteredAndEdited()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2), Photo("/p/3.jpg", 1), Photo("/p/4.jpg", 3)]);
        var people = new PeopleService(catalog);

        var clustering = people.Cluster(full: false);
        var list = people.List();
        long ann = list.Single(p => p.Faces == 3).Id, bob = list.Single(p => p.Faces == 2).Id;
        people.Name(ann, "Ann");
        people.Hide(bob, true);
        var lone = catalog.Faces(false).Single(f => f.PersonId is null);
        people.MoveFaces([lone.Id], ann);
        people.RejectFaces([lone.Id], ann);

        Assert.Equal(2, clustering.People);
        Assert.Equal("Ann", catalog.Person(ann)!.Name);
        Assert.Equal(3, catalog.Person(ann)!.Faces);
        Assert.Equal(3, catalog.Person(ann)!.Photos);
        Assert.Contains(catalog.Person(ann)!.CoverFace!.Value, catalog.FacesOf(ann));
        Assert.DoesNotContain(catalog.People(includeHidden: false), p => p.Id == bob);
        Assert.True(catalog.People(includeHidden: true).Single(p => p.Id == bob).Hidden);
        var stored = catalog.FacesForClustering().ToDictionary(f => f.FaceId);
        Assert.Contains(ann, stored[lone.Id].RejectedPeople);
        Assert.Null(stored[lone.Id].PersonId);
        Assert.All(catalog.FacesOf(ann), f => Assert.Equal(FaceAssignment.User, stored[f].Assignment)); // naming confirms
        Assert.Equal(3, catalog.PhotosByPerson()[ann].Count);
        Assert.Equal(["/p/4.jpg"], catalog.PhotosWithoutPeople());

        people.Cluster(full: true); // a re-run never undoes the user's work
        Assert.Equal(3, catalog.Person(ann)!.Faces);
        Assert.Null(catalog.FacePeople([lone.Id])[lone.Id]);
    }

    [ContractFact]
    public void Should_MergeAndRememberDistinctPeople_When_Asked()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 3), Photo("/p/6.jpg", 3)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        var ids = people.List().Select(p => p.Id).Order().ToList();

        people.Dismiss(ids[2], ids[0]);
        var merged = people.Merge(ids[0], [ids[1]]);
        long moved = people.MoveFaces([catalog.FacesOf(ids[2])[0]], null);

        Assert.Equal(new HashSet<(long, long)> { (ids[0], ids[2]) }, catalog.DistinctPeople());
        Assert.Equal(4, merged.Faces);
        Assert.Null(catalog.Person(ids[1]));
        Assert.DoesNotContain(moved, ids);
        Assert.Single(catalog.FacesOf(moved));
    }

    /// <summary>The people rules the backends carry out, each checked on every backend (the SQL of each is its own).</summary>
    [ContractFact]
    public void Should_NameTheMergedPersonAndMoveTheirRejections_When_Merging()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 3),
            Photo("/p/6.jpg", 3), Photo("/p/7.jpg", 4), Photo("/p/8.jpg", 4), Photo("/p/9.jpg", 5)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long PersonOf(int axis) => catalog.Faces(false).First(f => f.Photo.Path == $"/p/{2 * axis - 1}.jpg").PersonId!.Value;
        long a = PersonOf(1), b = PersonOf(2), c = PersonOf(3), d = PersonOf(4);
        var stranger = catalog.Faces(false).Single(f => f.Photo.Path == "/p/9.jpg").Id;
        people.Name(b, "Bea");
        people.Name(c, "Cal");
        people.MoveFaces([stranger], b);
        people.RejectFaces([stranger], b); // "not Bea"

        // An unnamed target takes the first named source's name; the rejections of a source move with its faces
        people.Merge(a, [b, c]);
        Assert.Equal("Bea", catalog.Person(a)!.Name);
        Assert.Contains(a, catalog.FacesForClustering().Single(f => f.FaceId == stranger).RejectedPeople);
        Assert.All(catalog.FacesOf(a), f => Assert.Equal(FaceAssignment.User, catalog.FacesForClustering().Single(s => s.FaceId == f).Assignment));
        Assert.Null(catalog.Person(b));
        Assert.Null(catalog.Person(c));

        // A named target keeps its name
        people.Name(d, "Dot");
        people.Merge(d, [a]);
        Assert.Equal("Dot", catalog.Person(d)!.Name);
        Assert.Equal(8, catalog.Person(d)!.Faces);
    }

    [ContractFact]
    public void Should_KeepTheCoverAndDropEmptyUnnamedPeople_When_FacesLeave()
    {
        using var catalog = Created(out _);
        // Two photos of one person; the second's face larger and as confident, so it is the cover.
        var small = Photo("/p/1.jpg", 1);
        var large = Photo("/p/2.jpg", 1);
        var bigger = large.Analysis.Faces[0] with { Box = new FaceBox(10, 20, 60, 60) };
        catalog.Commit([small, large with { Analysis = large.Analysis with { Faces = [bigger] } }, Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long ann = catalog.Faces(false).Single(f => f.Photo.Path == "/p/1.jpg").PersonId!.Value;
        long other = catalog.Faces(false).Single(f => f.Photo.Path == "/p/3.jpg").PersonId!.Value;
        long largeFace = catalog.Faces(false).Single(f => f.Photo.Path == "/p/2.jpg").Id;

        // The cover: the most confident, largest face
        Assert.Equal(largeFace, catalog.Person(ann)!.CoverFace);

        // The cover's face leaves: the next one covers; every face leaves an unnamed person: the person goes
        people.MoveFaces([largeFace], other);
        Assert.Equal(catalog.FacesOf(ann).Single(), catalog.Person(ann)!.CoverFace);
        people.MoveFaces(catalog.FacesOf(ann), other);
        Assert.Null(catalog.Person(ann));

        // A named person stays when their faces leave
        people.Name(other, "Olga");
        people.RejectFaces(catalog.FacesOf(other), other);
        Assert.Equal(0, catalog.Person(other)!.Faces);
    }

    [ContractFact]
    public void Should_LetClusteringLookAgain_When_AFaceIsRejectedOrNoLongerIgnored()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 1)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        long person = catalog.FacePeople([faces[0]])[faces[0]]!.Value;
        StoredFace Stored(long id) => catalog.FacesForClustering().Single(f => f.FaceId == id);

        // Rejected: out of the person, to be clustered again, never into that person
        people.RejectFaces([faces[0]], person);
        Assert.False(Stored(faces[0]).Clustered);
        Assert.Equal(FaceAssignment.None, Stored(faces[0]).Assignment);
        people.Cluster(full: false);
        Assert.NotEqual(person, catalog.FacePeople([faces[0]])[faces[0]]);

        // Ignored: out of any person as the user's decision, out of clustering; back: clustered anew
        people.Ignore([faces[1]], true);
        Assert.DoesNotContain(catalog.FacesForClustering(), f => f.FaceId == faces[1]);
        Assert.Equal([faces[1]], catalog.IgnoredFaces());
        people.Cluster(full: true);
        Assert.Null(catalog.FacePeople([faces[1]])[faces[1]]);
        people.Ignore([faces[1]], false);
        Assert.False(Stored(faces[1]).Clustered);
        Assert.Equal(FaceAssignment.None, Stored(faces[1]).Assignment);
        people.Cluster(full: false);
        Assert.Equal(person, catalog.FacePeople([faces[1]])[faces[1]]);
    }

    [ContractFact]
    public void Should_SayTheCatalogIsDamaged_When_APhotosSizeIsMissing()
    {
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/a.jpg", 1)]);

        RunSql(store, "UPDATE photos SET width = NULL");

        var e = Assert.Throws<DamagedCatalogException>(() => catalog.Faces(withEmbeddings: false).ToList());
        Assert.Contains("width", e.Message);
    }

    [ContractFact]
    public void Should_NotBringAForgottenFaceBack_When_ItsPhotoIsAnalysedAgain()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long forgotten = people.List().First().Id;
        var faces = catalog.FacesOf(forgotten).ToList();

        Assert.Equal(faces.Order(), people.Forget(forgotten).Order());
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2)]);

        Assert.Null(catalog.Person(forgotten));
        Assert.Equal(2, catalog.Counts().Faces);
        Assert.Empty(catalog.FaceVectors(faces));
    }

    [ContractFact]
    public void Should_KeepWhenEachPhotoWasTaken_When_Written()
    {
        using var catalog = Created(out _);
        var exif = new CaptureDate(new DateTime(2019, 7, 20, 17, 45, 22), TimeSpan.FromHours(-7), DateSource.Exif);
        var file = new CaptureDate(new DateTime(2021, 1, 2, 3, 4, 5), null, DateSource.File);
        catalog.Commit([Photo("/p/a.jpg", 1) with { Taken = exif }, Photo("/p/b.jpg", 2),
            new PhotoOutcome.Failed(new PhotoFile("/p/bad.jpg", 5, 1), [9], "not a photo")]);
        var undated = catalog.PhotosUnder("/p").ToDictionary(p => p.Path);

        var b = undated["/p/b.jpg"];
        catalog.Commit([new PhotoOutcome.Unchanged(new PhotoFile(b.Path, b.Size, b.ModifiedTicks), b.Id) { Taken = file }]);

        var taken = catalog.Faces(false).ToDictionary(f => f.Photo.Path, f => f.Photo.Taken);
        Assert.Equal(exif, taken["/p/a.jpg"]);
        Assert.Equal(file, taken["/p/b.jpg"]);
        Assert.True(undated["/p/b.jpg"].Undated);  // a usable photo without a date is read again for it...
        Assert.False(undated["/p/a.jpg"].Undated);
        Assert.False(undated["/p/bad.jpg"].Undated); // ...an unusable one is not
        Assert.All(catalog.PhotosUnder("/p"), p => Assert.False(p.Undated));
        // A photo dated by its file alone is known as such: read again where its name gives a better date
        Assert.Equal(["/p/b.jpg"], catalog.PhotosUnder("/p").Where(p => p.DatedByFile).Select(p => p.Path));
        Assert.DoesNotContain(undated.Values, p => p.DatedByFile);
        Assert.Equal("2019-07-20T17:45:22-07:00", exif.Text);
        Assert.Equal(exif, CaptureDate.Parse(exif.Text, exif.SourceName));
        Assert.Equal(file, CaptureDate.Parse(file.Text, file.SourceName));
    }

    [ContractFact]
    public void Should_KeepThePhotoItsFacesAndPeople_When_ItIsFoundUnderANewPath()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/a.jpg", 1, 2), Photo("/p/b.jpg", 3)]);
        var a = catalog.PhotosUnder("/p/a.jpg").Single();
        var faces = catalog.FacesInPhoto(a.Id);
        long person = catalog.MoveFaces([faces[0].Id], null);
        var before = DateTime.UtcNow.Ticks;

        // When: the photo is met under another path with the same content (a move), its file facts new
        catalog.Commit([new PhotoOutcome.Unchanged(new PhotoFile("/q/moved.jpg", a.Size, a.ModifiedTicks + 1), a.Id) { MovedFrom = a.Path }]);

        // Then: the same photo, faces and person under the new path; nothing left under the old one
        Assert.Empty(catalog.PhotosUnder("/p/a.jpg"));
        var moved = catalog.PhotosUnder("/q").Single();
        Assert.Equal((a.Id, a.Size, a.ModifiedTicks + 1), (moved.Id, moved.Size, moved.ModifiedTicks));
        Assert.True(moved.IndexedTicks >= before - TimeSpan.TicksPerSecond, "the move counts as the photo's last reading");
        Assert.Equal(faces.Select(f => f.Id), catalog.FacesInPhoto(a.Id).Select(f => f.Id));
        Assert.Equal("/q/moved.jpg", catalog.Face(faces[0].Id)!.Photo.Path);
        Assert.Equal(person, catalog.Face(faces[0].Id)!.PersonId);
        // And: the root "/" holds every photo
        Assert.Equal(["/p/b.jpg", "/q/moved.jpg"], catalog.PhotosUnder("/").Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [ContractFact]
    public void Should_KeepIgnoredFacesOutOfPeople_When_AskedAndBackWhenUndone()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 5), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 1)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long person = people.List().Single().Id;
        var faces = catalog.FacesOf(person);
        long stranger = catalog.Faces(false).Single(f => f.PersonId is null).Id;

        people.Ignore([stranger, faces[0]]);
        people.SetCover(person, faces[1]);
        people.Cluster(full: true);

        Assert.Equal([faces[0], stranger], catalog.IgnoredFaces().Order());
        Assert.DoesNotContain(catalog.FacesForClustering(), f => f.FaceId == stranger || f.FaceId == faces[0]);
        Assert.Null(catalog.FacePeople([faces[0]])[faces[0]]);
        Assert.Equal(faces[1], catalog.Person(person)!.CoverFace);
        Assert.Throws<InvalidRequestException>(() => people.SetCover(person, stranger));

        people.Ignore([faces[0]], ignored: false);
        people.Cluster(full: false);

        Assert.Equal([stranger], catalog.IgnoredFaces());
        Assert.Equal(person, catalog.FacePeople([faces[0]])[faces[0]]); // clustered again, back with the others
    }

    [ContractFact]
    public void Should_AdmitWritersAsItPromisesAndTellOthersTheirProgress_When_Indexing()
    {
        var store = NewStore();
        string id;
        using (var writer = store.OpenForWriting(create: true))
        {
            Assert.Null(store.RunningIndex()!.Progress); // a writer that has not said how far it is
            writer.Publish(new IndexProgress(3, 10, 5, 0, TimeSpan.FromSeconds(1)));

            if (SharesWork)
            {
                using var second = store.OpenForWriting();
                Assert.NotNull(second.SharedWork);
                Assert.NotNull(writer.SharedWork);
            }
            else
            {
                Assert.Throws<CatalogBusyException>(() => store.OpenForWriting());
                Assert.Null(writer.SharedWork);
            }
            Assert.Equal(new IndexingProgress(3, 10, 5), store.RunningIndex()?.Progress);
            id = writer.Catalog.CatalogId;
            using var reader = store.Open(); // readers are never kept out
            Assert.Equal(id, reader.CatalogId);
        }

        Assert.Null(store.RunningIndex());
        using var again = store.OpenForWriting(create: false);
        Assert.Equal(id, again.Catalog.CatalogId);
        Assert.True(store.SizeBytes() > 0);
    }

    [ContractFact]
    public void Should_SayThereIsNone_When_OpeningACatalogNeverMade()
    {
        var store = NewStore();

        Assert.Throws<NotFoundException>(() => store.Open());
        Assert.Throws<NotFoundException>(() => store.OpenForWriting(create: false));
    }
}
