using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;

using static FaceAtlas.Storage.Tests.ContractPhotos;

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

    IFaceCatalog Created(out ICatalogStore store) => ContractPhotos.Created(store = NewStore());

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
    public void Should_KeepItsCounts_When_PhotosAndFacesComeGoAndAreMarked()
    {
        // Given: two photos with faces, one that failed
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 3), new PhotoOutcome.Failed(new PhotoFile("/p/bad.jpg", 5, 1), [9], "not a photo")]);
        long only = catalog.Faces(false).Single(f => f.Photo.Path == "/p/2.jpg").Id;
        long first = catalog.Faces(false).First(f => f.Photo.Path == "/p/1.jpg").Photo.Id;

        // When / Then: the only face of a photo said not to be one, the failed photo read at last, the mark undone,
        // a photo removed: each count follows
        catalog.Change(rows => { rows.SetNotFace([only], true); return true; });
        Assert.Equal(new CatalogCounts(3, 1, 2, 1), catalog.Counts());
        catalog.Commit([Photo("/p/bad.jpg", 4)]);
        Assert.Equal(new CatalogCounts(3, 2, 3, 0), catalog.Counts());
        catalog.Change(rows => { rows.SetNotFace([only], false); return true; });
        Assert.Equal(new CatalogCounts(3, 3, 4, 0), catalog.Counts());
        catalog.RemovePhotos([first]);
        Assert.Equal(new CatalogCounts(2, 2, 2, 0), catalog.Counts());
    }

    [ContractFact]
    public void Should_PagePeopleLargestFirst_When_AskedAPageAtATime()
    {
        // Given: three people of three, two and one faces, the middle one hidden, the largest named
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2, 3), Photo("/p/2.jpg", 4, 5, 6)]);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        var (large, middle, small) = catalog.Change(rows =>
        {
            long a = rows.NewPerson(), b = rows.NewPerson(), c = rows.NewPerson();
            rows.PlaceFaces([faces[0], faces[3], faces[4]], a, FaceAssignment.Machine);
            rows.PlaceFaces([faces[1], faces[5]], b, FaceAssignment.Machine);
            rows.PlaceFaces([faces[2]], c, FaceAssignment.Machine);
            rows.SetName(a, "Ada");
            rows.SetHidden(b, true);
            return (a, b, c);
        });

        // When / Then: the visible, a page at a time; the hidden too; the named only
        var firstPage = catalog.PeoplePage(includeHidden: false, namedOnly: false, 0, 1);
        Assert.Equal(2, firstPage.Total);
        Assert.Equal([large], firstPage.People.Select(p => p.Id));
        Assert.Equal(3, firstPage.People[0].Faces);
        Assert.Equal([small], catalog.PeoplePage(false, false, 1, 1).People.Select(p => p.Id));
        Assert.Equal([large, middle, small], catalog.PeoplePage(true, false, 0, 10).People.Select(p => p.Id));
        Assert.Equal(catalog.People(includeHidden: true), catalog.PeoplePage(true, false, 0, 10).People);
        var named = catalog.PeoplePage(true, namedOnly: true, 0, 10);
        Assert.Equal(1, named.Total);
        Assert.Equal([large], named.People.Select(p => p.Id));
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
        Assert.Equivalent(catalog.Face(face.Id), catalog.FacesWithIds([face.Id + 1000, face.Id]).Single(), strict: true);
        Assert.Empty(catalog.FacesWithIds([]));
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

    /// <summary>People's rows as a change writes them: kept as written, every operation on its own rows only.</summary>
    [ContractFact]
    public void Should_KeepEveryRowAChangeWrites_When_TheChangeEnds()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 3)]);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        StoredFace Stored(long id) => catalog.FacesForClustering().Single(f => f.FaceId == id);

        var (ann, bob) = catalog.Change(rows =>
        {
            long a = rows.NewPerson(), b = rows.NewPerson();
            rows.SetName(a, "Ann");
            rows.SetHidden(b, true);
            rows.PlaceFaces([faces[0], faces[1]], a, FaceAssignment.Machine);
            rows.PlaceFaces([faces[1], faces[2]], b, FaceAssignment.Machine, unlessPlacedBy: FaceAssignment.Machine); // faces[1] stays
            rows.SetPlacedBy(a, FaceAssignment.User);
            rows.SetCover(a, faces[1]);
            rows.SetClustered([faces[0]], true);
            rows.AddRejections([faces[2]], a);
            rows.AddRejections([faces[2]], a); // once per face and person
            rows.MarkDistinct(a, b);
            return (a, b);
        });

        Assert.Equal(new PersonSummary(ann, "Ann", 2, 1, false, faces[1]), catalog.Person(ann));
        Assert.Equal(new PersonSummary(bob, null, 1, 1, true, null), catalog.Person(bob));
        Assert.Equal((true, FaceAssignment.User), (Stored(faces[0]).Clustered, Stored(faces[0]).Assignment));
        Assert.Equal((false, FaceAssignment.Machine), (Stored(faces[2]).Clustered, Stored(faces[2]).Assignment));
        Assert.Equal([ann], Stored(faces[2]).RejectedPeople);
        Assert.Equal(new HashSet<(long, long)> { (ann, bob) }, catalog.DistinctPeople());

        catalog.Change(rows =>
        {
            rows.SetIgnored([faces[0]], true);
            Assert.Equal([faces[0]], rows.IgnoredAmong([faces[0], faces[2]]));
            rows.MoveAllFaces(ann, bob);
            rows.MoveRejections(ann, bob);
            Assert.Equal([new PersonWithoutFaces(ann, Named: true)], rows.PeopleWithoutFaces());
            Assert.Equal([bob], rows.PeopleWithoutTheirOwnCover()); // bob has faces and no cover; ann's left her and was cleared
            Assert.Null(rows.PersonRows([ann]).Single().Cover);
            Assert.Equal([new CoverCandidate(bob, faces[0], 0.9f, 30, 30), new CoverCandidate(bob, faces[1], 0.9f, 30, 30),
                new CoverCandidate(bob, faces[2], 0.9f, 30, 30)], rows.FacesForCover([bob]).OrderBy(c => c.Face));
            rows.SetCover(ann, null);
            rows.DeletePeople([ann]);
            rows.RemoveRejections([faces[2]], bob);
            return true;
        });

        Assert.Null(catalog.Person(ann));
        Assert.Equal(3, catalog.Person(bob)!.Faces);
        Assert.Equal([faces[0]], catalog.IgnoredFaces());
        Assert.Empty(Stored(faces[2]).RejectedPeople); // moved from ann to bob, then taken back
    }

    /// <summary>
    /// One statement that moves many faces between many people at once (as a merge, an undo or a writer from outside
    /// does), faces of one photo going different ways, and one that removes faces of several people: each person's
    /// counts, photos and cover are as if counted anew.
    /// </summary>
    [ContractFact]
    public void Should_CountPeopleAsCountingAnew_When_OneStatementMovesOrRemovesFacesOfManyPeople()
    {
        // Given: Ann, Ben and Cy, two of them in some photos together, each covered by one of their faces
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2, 3), Photo("/p/3.jpg", 2, 3), Photo("/p/4.jpg", 1), Photo("/p/5.jpg", 3, 3)]);
        var all = catalog.Faces(false).OrderBy(f => f.Id).ToList();
        var (ann, ben, cy) = catalog.Change(rows =>
        {
            var (a, b, c) = (rows.NewPerson(), rows.NewPerson(), rows.NewPerson());
            foreach (var (person, x) in new[] { (a, 10f), (b, 110f), (c, 210f) })
            {
                var theirs = all.Where(f => f.Box.X == x).Select(f => f.Id).ToList();
                rows.PlaceFaces(theirs, person, FaceAssignment.Machine);
                rows.SetCover(person, theirs[0]);
            }
            return (a, b, c);
        });
        void CountedAnew()
        {
            var faces = catalog.Faces(false).Where(f => f.PersonId is not null).GroupBy(f => f.PersonId!.Value).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var p in catalog.People(includeHidden: true))
            {
                var own = faces.GetValueOrDefault(p.Id) ?? [];
                Assert.Equal((own.Count, own.Select(f => f.Photo.Id).Distinct().Count()), (p.Faces, p.Photos));
                Assert.Equal(own.Select(f => f.Photo.Id).Distinct().Order(), catalog.Photos(new PhotoQuery([p.Id]), new PageRequest(0, 100)).Photos.Select(x => x.Photo.Id).Order());
                if (p.CoverFace is { } cover) Assert.Contains(cover, own.Select(f => f.Id));
            }
        }
        CountedAnew();
        long annCover = catalog.Person(ann)!.CoverFace!.Value;

        // When: one statement turns Ann's faces into Ben's and Ben's into Cy's (Ann's cover among them), and one removes
        // a face of each of Ben and Cy
        RunSql(store, $"UPDATE faces SET person_id = CASE person_id WHEN {ann} THEN {ben} WHEN {ben} THEN {cy} END WHERE person_id IN ({ann}, {ben})");
        CountedAnew();
        Assert.Null(catalog.Person(ann)!.CoverFace);
        Assert.Equal(0, catalog.Person(ann)!.Faces);
        var removed = catalog.Faces(false).Where(f => f.PersonId == ben || f.PersonId == cy).GroupBy(f => f.PersonId).Select(g => g.First().Id).ToList();
        RunSql(store, $"DELETE FROM faces WHERE id IN ({string.Join(", ", removed)})");

        // Then: each person is counted as their faces are, in their photos, covered by one of their own or by none
        CountedAnew();
        Assert.Equal(all.Count - removed.Count, catalog.People(includeHidden: true).Sum(p => p.Faces));
        Assert.DoesNotContain(annCover, catalog.People(includeHidden: true).Select(p => p.CoverFace));
    }

    /// <summary>The photos of several people together, of a span of days, or all: each with the faces of those asked for.</summary>
    [ContractFact]
    public void Should_FindThePhotosOfPeopleTogether_When_AskedForSeveralAndADateSpan()
    {
        using var catalog = Created(out _);
        PhotoOutcome.Analysed Dated(string path, DateTime day, params int[] axes) => Photo(path, axes) with { Taken = new CaptureDate(day, null, DateSource.Exif) };
        catalog.Commit([
            Dated("/p/ann-bob-2019.jpg", new DateTime(2019, 7, 4, 15, 30, 0), 1, 2), Dated("/p/ann-2020.jpg", new DateTime(2020, 1, 1), 1),
            Dated("/p/bob-2021.jpg", new DateTime(2021, 1, 1), 2), Dated("/p/all-2022.jpg", new DateTime(2022, 12, 31, 23, 59, 0), 1, 2, 3),
            Photo("/p/nobody.jpg") with { Taken = null }, new PhotoOutcome.Failed(new PhotoFile("/p/broken.jpg", 5, 1), [9], "not a photo"),
        ]);
        var people = new PeopleService(catalog);
        long ann = people.MoveFaces(catalog.Faces(false).Where(f => f.Box.X == 10 && !f.Photo.Path.Contains("bob-2021")).Select(f => f.Id).ToList(), null);
        long bob = people.MoveFaces(catalog.Faces(false).Where(f => f.Box.X == 110 || f.Photo.Path.Contains("bob-2021")).Select(f => f.Id).ToList(), null);
        List<string> Paths(PhotoQuery query) => catalog.Photos(query, new PageRequest(0, 100)).Photos.Select(p => p.Photo.Path).ToList();

        var together = catalog.Photos(new PhotoQuery([ann, bob]), new PageRequest(0, 100));

        Assert.Equal(["/p/all-2022.jpg", "/p/ann-bob-2019.jpg"], together.Photos.Select(p => p.Photo.Path));
        Assert.Equal(2, together.Total);
        Assert.All(together.Photos, p => Assert.Equal([ann, bob], p.Faces.Select(f => f.PersonId!.Value).Order()));
        Assert.Equal(["/p/all-2022.jpg", "/p/ann-2020.jpg", "/p/ann-bob-2019.jpg"], Paths(new PhotoQuery([ann])));
        Assert.Equal(["/p/ann-2020.jpg", "/p/ann-bob-2019.jpg"], Paths(new PhotoQuery([ann], new DateOnly(2019, 7, 4), new DateOnly(2020, 1, 1))));
        Assert.Equal(["/p/all-2022.jpg"], Paths(new PhotoQuery([bob], From: new DateOnly(2022, 12, 31))));
        var every = catalog.Photos(new PhotoQuery([]), new PageRequest(0, 100));
        Assert.Equal(5, every.Total); // nobody named: every photo, the faceless too, not the one that failed
        Assert.Equal(5, every.Photos.Count);
        Assert.Equal(("2019-07-04T15:30:00", "2022-12-31T23:59:00"), (every.FirstTaken, every.LastTaken));
        Assert.Equal(3, catalog.Photos(new PhotoQuery([]), new PageRequest(0, 100)).Photos.Single(p => p.Photo.Path == "/p/all-2022.jpg").Faces.Count);
        Assert.Empty(Paths(new PhotoQuery([], From: new DateOnly(2023, 1, 1))));
        Assert.DoesNotContain("/p/nobody.jpg", Paths(new PhotoQuery([], To: new DateOnly(2030, 1, 1)))); // no date: in no span
    }

    [ContractFact]
    public void Should_ReadThePeoplesFacesAndTheNewestLeftOver_When_Asked()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 3), Photo("/p/3.jpg", 4, 5)]);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        var people = new PeopleService(catalog);
        long ann = people.MoveFaces([faces[0], faces[2]], null);
        people.Ignore([faces[4]]);
        var vectors = catalog.FaceVectors().ToDictionary(v => v.Id, v => v.Embedding);

        var inPeople = catalog.FacesInPeople().ToList();
        var leftOver = catalog.FacesInNoPerson(newest: 1);

        Assert.Equal([ann, ann], inPeople.Select(f => f.Person));
        Assert.Equal([catalog.Face(faces[0])!.Photo.Id, catalog.Face(faces[2])!.Photo.Id], inPeople.Select(f => f.Photo));
        Assert.Equal(vectors[faces[0]], inPeople[0].Embedding);
        Assert.Equal([faces[3]], leftOver.Select(f => f.FaceId)); // the newest not in a person; the ignored one never
        Assert.Equal(vectors[faces[3]], leftOver[0].Embedding);
        Assert.Equal([faces[3], faces[1]], catalog.FacesInNoPerson(newest: 10).Select(f => f.FaceId));
        var seen = catalog.FacesSeenInPeople().OrderBy(f => f.Face).ToList(); // the same faces, without embeddings
        Assert.Equal([faces[0], faces[2]], seen.Select(f => f.Face));
        Assert.Equal(inPeople.Select(f => (f.Person, f.Photo, f.Score, f.Quality, f.Taken)), seen.Select(f => (f.Person, f.Photo, f.Score, f.Quality, f.Taken)));
    }

    /// <summary>
    /// A person as one cluster holds the sum and number of the faces that count in them, however their faces moved:
    /// by a change that carries the kept sums, by every other path of the port, and by SQL from outside. A kept sum is
    /// read while it is current (a sum made wrong underneath shows), and never after its person changed.
    /// </summary>
    [ContractFact]
    public void Should_SumThePersonsFacesAsTheyAre_When_TheirFacesMoveByAnyPath()
    {
        // Given: two people of two faces and one, their sums read once (and so kept)
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 3), Photo("/p/3.jpg", 1, 2), Photo("/p/4.jpg", 1)]);
        var all = catalog.Faces(false).OrderBy(f => f.Id).ToList();
        long Face(string photo, int i) => all.Where(f => f.Photo.Path == photo).ElementAt(i).Id;
        var (ann, ben) = catalog.Change(rows =>
        {
            var (a, b) = (rows.NewPerson(), rows.NewPerson());
            rows.PlaceFaces([Face("/p/1.jpg", 0), Face("/p/2.jpg", 0)], a, FaceAssignment.Machine);
            rows.PlaceFaces([Face("/p/1.jpg", 1)], b, FaceAssignment.Machine);
            return (a, b);
        });
        void SumsAreTheirFaces(params long[] people)
        {
            var answer = catalog.PeopleAsClusters(people, []).ToDictionary(c => c.Person);
            foreach (long person in people)
            {
                var faces = catalog.FacesInPeople().Where(f => f.Person == person).ToList();
                if (faces.Count == 0)
                {
                    Assert.False(answer.ContainsKey(person), $"person {person} has no face that counts");
                    continue;
                }
                Assert.Equal(faces.Count, answer[person].Faces);
                for (int d = 0; d < 512; d++)
                    Assert.Equal(faces.Sum(f => (double)f.Embedding[d]), answer[person].Sum[d], 5);
            }
        }
        SumsAreTheirFaces(ann, ben);
        void MadeWrongUnderneath(long person, int by = 100) => RunSql(store, $"UPDATE person_sums SET faces = faces + {by} WHERE person_id = {person}");

        // When: new faces placed by a change that carries the sums (as clustering does)
        long stranger = Face("/p/2.jpg", 1);
        catalog.Change(rows => rows.CarryingSums([Face("/p/3.jpg", 0), Face("/p/3.jpg", 1), Face("/p/4.jpg", 0), stranger], () =>
        {
            rows.PlaceFaces([Face("/p/3.jpg", 0), Face("/p/4.jpg", 0)], ann, FaceAssignment.Machine);
            rows.PlaceFaces([Face("/p/3.jpg", 1)], ben, FaceAssignment.Machine);
            rows.PlaceFaces([stranger], null, FaceAssignment.None);
            return 0;
        }));

        // Then: the sums are right, and they are the kept ones (carried, current)
        SumsAreTheirFaces(ann, ben);
        MadeWrongUnderneath(ann);
        Assert.Equal(104, catalog.PeopleAsClusters([ann], []).Single().Faces);
        MadeWrongUnderneath(ann, -100);

        // And: a merge carries the two kept sums (added: no face read), and every other path makes a kept sum stale,
        // so it is read again from the faces
        (string Path, Action Change, long Person, bool Carried)[] paths =
        [
            ("ignored", () => catalog.Change(rows => { rows.SetIgnored([Face("/p/2.jpg", 0)], true); return 0; }), ann, false),
            ("not a face", () => catalog.Change(rows => { rows.SetNotFace([Face("/p/1.jpg", 1)], true); return 0; }), ben, false),
            ("placed", () => catalog.Change(rows => { rows.PlaceFaces([stranger], ben, FaceAssignment.User); return 0; }), ben, false),
            ("merged", () => catalog.Change(rows => { rows.MoveAllFaces(ben, ann); return 0; }), ann, true),
            ("photo removed", () => catalog.RemovePhotos([all.First(f => f.Photo.Path == "/p/4.jpg").Photo.Id]), ann, false),
            ("analysed again", () => catalog.Commit([Photo("/p/3.jpg", 7, 8)]), ann, false),
            ("written from outside", () => RunSql(store, $"UPDATE faces SET person_id = NULL WHERE id = {Face("/p/1.jpg", 0)}"), ann, false),
        ];
        foreach (var (path, change, person, carried) in paths)
        {
            SumsAreTheirFaces(ann, ben); // kept, and current
            MadeWrongUnderneath(person);
            change();
            try
            {
                if (carried)
                {
                    // The wrong kept sum was carried on, not read again: taken back, the carried sum is the faces'
                    int faces = catalog.FacesInPeople().Count(f => f.Person == person);
                    Assert.Equal(faces + 100, catalog.PeopleAsClusters([person], []).Single().Faces);
                    MadeWrongUnderneath(person, -100);
                }
                SumsAreTheirFaces(ann, ben);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"after \"{path}\": {e.Message}");
            }
        }
    }

    /// <summary>
    /// People's averages of the faces that count (as the suggestions make them) are the same whether made from the kept
    /// sums less the faces left out, or, when many are left out, from every face: the same people, photos, earliest
    /// days and means.
    /// </summary>
    [ContractFact]
    public void Should_AverageEachPersonAsEveryFaceWould_When_SomeFacesDoNotCount()
    {
        // Given: four people of six faces over twelve photos, their sums kept
        using var catalog = Created(out var store);
        catalog.Commit([.. Enumerable.Range(1, 12).Select(i => (PhotoOutcome)(Photo($"/p/{i}.jpg", i % 2 + 1, i % 2 + 3) with
        {
            Taken = new CaptureDate(new DateTime(2000 + i, 1, 1), null, DateSource.Exif),
        }))]);
        new PeopleService(catalog).Cluster(full: true);
        Func<PersonFaceSeen, bool> sure = f => f.Score >= 0.8f;
        void SameEitherWay()
        {
            var summed = PersonAverage.Of(catalog, sure).ToDictionary(a => a.Person.Id);
            var read = PersonAverage.FromEveryFace(catalog, sure).ToDictionary(a => a.Person.Id);
            Assert.Equal(read.Keys.Order(), summed.Keys.Order());
            foreach (var (person, average) in read)
            {
                Assert.Equal(average.Photos.Order(), summed[person].Photos.Order());
                Assert.Equal(average.Earliest, summed[person].Earliest);
                for (int d = 0; d < average.Mean.Length; d++) Assert.Equal(average.Mean[d], summed[person].Mean[d], 5);
            }
        }

        // When: one face of 24 is unsure (the sums less it), then five (every face read)
        var faces = catalog.Faces(false).OrderBy(f => f.Id).Select(f => f.Id).ToList();
        RunSql(store, $"UPDATE faces SET score = 0.5 WHERE id = {faces[0]}");

        // Then: the same either way, the unsure faces in no average and their photos in no person's
        SameEitherWay();
        RunSql(store, $"UPDATE faces SET score = 0.5 WHERE id IN ({string.Join(", ", faces.Take(5))})");
        SameEitherWay();
        Assert.DoesNotContain(PersonAverage.Of(catalog, sure), a => a.Photos.Contains(catalog.Face(faces[0])!.Photo.Id)
            && catalog.Face(faces[0])!.PersonId == a.Person.Id);
    }

    /// <summary>
    /// A clustering of everything writes every person anew, so it ends by keeping each one's sum: the next few photos'
    /// clustering reads a row per person near them, not every face of each.
    /// </summary>
    [ContractFact]
    public void Should_KeepEveryPersonsSum_When_EverythingIsClusteredAnew()
    {
        // Given: photos of two people, no sum kept
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2), Photo("/p/3.jpg", 1)]);
        RunSql(store, "DELETE FROM person_sums");

        // When: everything is clustered anew
        new PeopleService(catalog).Cluster(full: true);

        // Then: each person's sum is kept and current (made wrong underneath, the answer shows it)
        var people = catalog.People(includeHidden: true).Select(p => p.Id).ToList();
        Assert.Equal(2, people.Count);
        RunSql(store, "UPDATE person_sums SET faces = faces + 100 WHERE faces > 0");
        Assert.Equal([102, 103], catalog.PeopleAsClusters(people, []).Select(c => c.Faces).Order());
    }

    /// <summary>
    /// Every person at once holds the same sums as one at a time: read from the faces the first time (in one pass),
    /// then kept, so that the next answer, and clustering's, read the kept ones; a person changed since is read again
    /// alone (through the person index), and a person with no face that counts is left out.
    /// </summary>
    [ContractFact]
    public void Should_SumEveryPersonAsTheirFacesAre_AndKeepTheSums_When_AllAreAskedForAtOnce()
    {
        // Given: five people of one to three faces, one of whose only face is ignored; no sum kept yet
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 3), Photo("/p/3.jpg", 4, 5), Photo("/p/4.jpg", 4, 5), Photo("/p/5.jpg", 4, 6)]);
        var faces = catalog.Faces(false).OrderBy(f => f.Id).Select(f => f.Id).ToList();
        var people = catalog.Change(rows =>
        {
            long[] groups = [.. Enumerable.Range(0, 5).Select(_ => rows.NewPerson())];
            rows.PlaceFaces([faces[0], faces[2]], groups[0], FaceAssignment.Machine);
            rows.PlaceFaces([faces[1]], groups[1], FaceAssignment.Machine);
            rows.PlaceFaces([faces[3]], groups[2], FaceAssignment.Machine);
            rows.PlaceFaces([faces[4], faces[6], faces[8]], groups[3], FaceAssignment.Machine);
            rows.PlaceFaces([faces[5], faces[7]], groups[4], FaceAssignment.Machine);
            rows.SetIgnored([faces[3]], true);
            return groups;
        });
        RunSql(store, "DELETE FROM person_sums");
        void AllAreTheirFaces(IReadOnlyList<PersonAsCluster> answer)
        {
            var truth = catalog.FacesInPeople().GroupBy(f => f.Person).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(truth.Keys.Order(), answer.Select(c => c.Person).Order());
            foreach (var cluster in answer)
            {
                Assert.Equal(truth[cluster.Person].Count, cluster.Faces);
                Assert.Empty(cluster.PhotosAmong);
                for (int d = 0; d < 512; d++)
                    Assert.Equal(truth[cluster.Person].Sum(f => (double)f.Embedding[d]), cluster.Sum[d], 5);
            }
        }

        // When: every person is asked for at once
        var first = catalog.EveryPersonAsCluster();

        // Then: each holds their faces' sum; the ignored face's person, with none that counts, is not there
        AllAreTheirFaces(first);
        Assert.DoesNotContain(people[2], first.Select(c => c.Person));

        // And: the sums were kept: made wrong underneath, both answers show it (nothing was read again)
        RunSql(store, "UPDATE person_sums SET faces = faces + 100 WHERE faces > 0");
        Assert.Equal(103, catalog.PeopleAsClusters([people[3]], []).Single().Faces);
        Assert.All(catalog.EveryPersonAsCluster(), c => Assert.True(c.Faces > 100, $"person {c.Person}: {c.Faces} faces, not the kept sum"));
        RunSql(store, "UPDATE person_sums SET faces = faces - 100 WHERE faces > 100");

        // And: a person changed since (not by clustering) is read again from their faces, the rest stay kept
        catalog.Change(rows => { rows.SetIgnored([faces[2]], true); return 0; });
        RunSql(store, $"UPDATE person_sums SET faces = faces + 100 WHERE person_id = {people[3]}");
        var afterChange = catalog.EveryPersonAsCluster().ToDictionary(c => c.Person);
        Assert.Equal(1, afterChange[people[0]].Faces);
        Assert.Equal(103, afterChange[people[3]].Faces);
        RunSql(store, $"UPDATE person_sums SET faces = faces - 100 WHERE person_id = {people[3]}");
        AllAreTheirFaces(catalog.EveryPersonAsCluster());
    }

    /// <summary>
    /// The people's revision moves with every change to what people's averages and the suggestions are made of, by
    /// any path of writing, and holds through the changes that are not (a server keeps what it made while it holds).
    /// </summary>
    [ContractFact]
    public void Should_MoveThePeoplesRevision_When_WhatTheirAveragesAreMadeOfChanges_AndHoldItOtherwise()
    {
        // Given: two people in four photos, and a photo of nobody
        using var catalog = Created(out var store);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 3), Photo("/p/3.jpg", 1, 2), Photo("/p/4.jpg", 1), Photo("/p/nobody.jpg", 9)]);
        var all = catalog.Faces(false).OrderBy(f => f.Id).ToList();
        long Face(string photo, int i) => all.Where(f => f.Photo.Path == photo).ElementAt(i).Id;
        PhotoOutcome.Unchanged Redated(string path, DateTime day)
        {
            var known = catalog.PhotosUnder(path).Single();
            return new(new PhotoFile(known.Path, known.Size, known.ModifiedTicks), known.Id) { Taken = new CaptureDate(day, null, DateSource.Exif) };
        }
        var (ann, ben) = catalog.Change(rows =>
        {
            var (a, b) = (rows.NewPerson(), rows.NewPerson());
            rows.PlaceFaces([Face("/p/1.jpg", 0), Face("/p/2.jpg", 0), Face("/p/3.jpg", 0)], a, FaceAssignment.Machine);
            rows.PlaceFaces([Face("/p/1.jpg", 1), Face("/p/3.jpg", 1)], b, FaceAssignment.Machine);
            return (a, b);
        });
        catalog.Commit([Redated("/p/1.jpg", new DateTime(2020, 1, 2))]);

        // When / Then: each change to what averages are made of moves it on; each other change holds it
        (string Path, Action Change, bool Moves)[] paths =
        [
            ("named", () => catalog.Change(rows => { rows.SetName(ann, "Ann"); return 0; }), false),
            ("a cover chosen", () => catalog.Change(rows => { rows.SetCover(ann, Face("/p/2.jpg", 0)); return 0; }), false),
            ("faces marked clustered", () => catalog.Change(rows => { rows.SetClustered([Face("/p/4.jpg", 0)], true); return 0; }), false),
            ("a photo of nobody dated", () => catalog.Commit([Redated("/p/nobody.jpg", new DateTime(2021, 5, 6))]), false),
            ("a photo seen again on the same day", () => catalog.Commit([Redated("/p/1.jpg", new DateTime(2020, 1, 2))]), false),
            ("a face placed", () => catalog.Change(rows => { rows.PlaceFaces([Face("/p/4.jpg", 0)], ben, FaceAssignment.User); return 0; }), true),
            ("a face ignored", () => catalog.Change(rows => { rows.SetIgnored([Face("/p/2.jpg", 0)], true); return 0; }), true),
            ("a face said not to be one", () => catalog.Change(rows => { rows.SetNotFace([Face("/p/3.jpg", 1)], true); return 0; }), true),
            ("hidden", () => catalog.Change(rows => { rows.SetHidden(ben, true); return 0; }), true),
            ("shown again", () => catalog.Change(rows => { rows.SetHidden(ben, false); return 0; }), true),
            ("a birth day", () => catalog.Change(rows => { rows.SetBirth(ann, new DateOnly(1990, 3, 4)); return 0; }), true),
            ("told apart", () => catalog.Change(rows => { rows.MarkDistinct(ann, ben); return 0; }), true),
            ("told apart no more", () => catalog.Change(rows => { rows.UnmarkDistinct(ann, ben); return 0; }), true),
            ("a photo of theirs dated anew", () => catalog.Commit([Redated("/p/1.jpg", new DateTime(2020, 1, 3))]), true),
            ("merged", () => catalog.Change(rows => { rows.MoveAllFaces(ben, ann); return 0; }), true),
            ("analysed again", () => catalog.Commit([Photo("/p/3.jpg", 7, 8)]), true),
            ("a photo removed", () => catalog.RemovePhotos([all.First(f => f.Photo.Path == "/p/2.jpg").Photo.Id]), true),
            ("written from outside", () => RunSql(store, $"UPDATE faces SET person_id = NULL WHERE id = {Face("/p/1.jpg", 0)}"), true),
        ];
        foreach (var (path, change, moves) in paths)
        {
            long before = catalog.PeopleRevision();
            change();
            long after = catalog.PeopleRevision();
            if (moves) Assert.True(after > before, $"after \"{path}\" the revision is {after}, {before} before");
            else Assert.True(after == before, $"after \"{path}\" the revision is {after}, {before} before");
        }
    }

    [ContractFact]
    public void Should_WriteNothing_When_AChangeFailsHalfWay()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1)]);
        long face = catalog.Faces(false).Single().Id;

        var e = Assert.Throws<InvalidOperationException>(() => catalog.Change<bool>(rows =>
        {
            long person = rows.NewPerson();
            rows.SetName(person, "Half");
            rows.PlaceFaces([face], person, FaceAssignment.User);
            throw new InvalidOperationException("stopped half-way");
        }));

        Assert.Equal("stopped half-way", e.Message);
        Assert.Empty(catalog.People(includeHidden: true));
        Assert.Null(catalog.FacePeople([face])[face]);
    }

    [ContractFact]
    public void Should_KeepTheLatestChangesWithinTheirNumberAndBytes_When_ManyAreRecorded()
    {
        // The history's promise (README): the latest 1,000 changes, their journals within 64 MiB together
        const int KeptChanges = 1000;
        const long KeptJournalBytes = 64L << 20;
        using var catalog = Created(out _);
        long Record(string journal) => catalog.Change(rows => rows.RecordChange("name", "a change", journal));

        // Small changes: the latest KeptChanges of them
        long first = Record("{}");
        for (int i = 1; i < KeptChanges + 4; i++) Record("{}");
        var kept = catalog.History(2 * KeptChanges);
        Assert.Equal(KeptChanges, kept.Count);
        Assert.Equal(first + KeptChanges + 3, kept[0].Id);

        // Large ones: no more than their bytes allow, the newest always
        var large = new string('x', (int)(KeptJournalBytes / 4) + 1);
        var ids = Enumerable.Range(0, 5).Select(_ => Record(large)).ToList();
        Assert.Equal(ids.TakeLast(3).Reverse(), catalog.History(2 * KeptChanges).Select(c => c.Id));
        var huge = Record(large + large + large + large + large);
        Assert.Equal([huge], catalog.History(10).Select(c => c.Id));
    }

    /// <summary>A person's photos a page at a time: newest first, the undated last, none lost or repeated while photos come and go.</summary>
    [ContractFact]
    public void Should_PageAPersonsPhotosInOrder_When_PhotosComeAndGoBetweenPages()
    {
        using var catalog = Created(out _);
        PhotoOutcome.Analysed Dated(string path, DateTime? day, DateSource source = DateSource.Exif) => Photo(path, 1) with
        {
            Taken = day is { } d ? new CaptureDate(d, null, source) : null,
        };
        catalog.Commit([
            Dated("/p/2019.jpg", new DateTime(2019, 7, 4)), Dated("/p/2021.jpg", new DateTime(2021, 1, 2)),
            Dated("/p/copied.jpg", new DateTime(2026, 12, 1), DateSource.File), Dated("/p/2020a.jpg", new DateTime(2020, 5, 5)),
            Dated("/p/2020b.jpg", new DateTime(2020, 5, 5)), Dated("/p/never.jpg", null), Dated("/p/2018.jpg", new DateTime(2018, 3, 3)),
            Photo("/p/stranger.jpg", 9),
        ]);
        var people = new PeopleService(catalog);
        long ann = people.MoveFaces(catalog.Faces(false).Where(f => f.Photo.Path != "/p/stranger.jpg").Select(f => f.Id).ToList(), null);
        long IdOf(string path) => catalog.PhotosUnder(path).Single().Id;
        List<string> Paths(PhotoPage page) => page.Photos.Select(p => p.Photo.Path).ToList();

        // The order: newest first, the same day by the newer id; a file's date, then none at all, after every dated one
        var all = catalog.Photos(new PhotoQuery([ann]), new PageRequest(0, 100));
        Assert.Equal(["/p/2021.jpg", "/p/2020b.jpg", "/p/2020a.jpg", "/p/2019.jpg", "/p/2018.jpg", "/p/copied.jpg", "/p/never.jpg"], Paths(all));
        Assert.Equal(7, all.Total);
        Assert.Null(all.Next);
        Assert.Equal(("2018-03-03T00:00:00", "2021-01-02T00:00:00"), (all.FirstTaken, all.LastTaken)); // a file's date spans nothing
        Assert.All(all.Photos, p => Assert.Equal([ann], p.Faces.Select(f => f.PersonId!.Value)));
        Assert.Equal(Paths(all).Skip(2).Take(2), Paths(catalog.Photos(new PhotoQuery([ann]), new PageRequest(2, 2))));

        // A page at a time after a cursor, while a photo already shown leaves and a new, older one arrives
        var first = catalog.Photos(new PhotoQuery([ann]), new PageRequest(0, 3));
        people.RejectFaces(catalog.FacesInPhoto(IdOf("/p/2021.jpg")).Select(f => f.Id).ToList(), ann);
        catalog.Commit([Dated("/p/2017.jpg", new DateTime(2017, 1, 1))]);
        people.MoveFaces(catalog.FacesInPhoto(IdOf("/p/2017.jpg")).Select(f => f.Id).ToList(), ann);
        var seen = Paths(first);
        for (var page = first; page.Next is { } next; )
        {
            page = catalog.Photos(new PhotoQuery([ann]), new PageRequest(0, 3, next));
            seen.AddRange(Paths(page));
        }
        Assert.Equal(["/p/2021.jpg", "/p/2020b.jpg", "/p/2020a.jpg", "/p/2019.jpg", "/p/2018.jpg", "/p/2017.jpg"], seen.Take(6));
        Assert.Equal(8, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(PageCursor.Parse(first.Next!.Value.Text), first.Next);
        Assert.Throws<InvalidRequestException>(() => PageCursor.Parse("2019-07-04"));

        // A photo analysed again with a new date (its face found at the same place, so still the person's) takes its
        // new place; so does the one that had only its file's date, once a date of its own is read from it unchanged
        var copied = catalog.PhotosUnder("/p/copied.jpg").Single();
        catalog.Commit([Dated("/p/2019.jpg", new DateTime(2022, 2, 2)), new PhotoOutcome.Unchanged(new PhotoFile(copied.Path, copied.Size, copied.ModifiedTicks), copied.Id)
        {
            Taken = new CaptureDate(new DateTime(2021, 6, 6), null, DateSource.Exif),
        }]);
        var redated = catalog.Photos(new PhotoQuery([ann]), new PageRequest(0, 100));
        Assert.Equal(["/p/2019.jpg", "/p/copied.jpg", "/p/2020b.jpg", "/p/2020a.jpg", "/p/2018.jpg", "/p/2017.jpg", "/p/never.jpg"], Paths(redated));
        Assert.Equal(("2017-01-01T00:00:00", "2022-02-02T00:00:00"), (redated.FirstTaken, redated.LastTaken));
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
    public void Should_KeepADetectionThatIsNotAFaceOutOfEveryRead_When_MarkedAndAnalysedAgain()
    {
        using var catalog = Created(out _);
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 3)]);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        long photo = catalog.Face(faces[1])!.Photo.Id;
        long revision = catalog.EmbeddingRevision();

        catalog.Change(rows =>
        {
            rows.SetNotFace([faces[1]], true);
            Assert.Equal([faces[1]], rows.NotFacesAmong([faces[0], faces[1], faces[2]]));
            return true;
        });

        // Out of every read of faces, yet still known (so that it can be undone) and logged for the search index
        Assert.Equal([faces[0], faces[2]], catalog.Faces(false).Select(f => f.Id));
        Assert.Null(catalog.Face(faces[1]));
        Assert.Equal([faces[0], faces[2]], catalog.FacesWithIds([faces[2], faces[1], faces[0], faces[2], faces[2] + 1000]).Select(f => f.Id));
        Assert.Equal([faces[0]], catalog.FacesInPhoto(photo).Select(f => f.Id));
        Assert.Equal([faces[0], faces[2]], catalog.FaceVectors().Select(v => v.Id));
        Assert.Empty(catalog.FaceVectors([faces[1]]));
        Assert.Equal(new CatalogCounts(2, 2, 2, 0), catalog.Counts());
        Assert.DoesNotContain(catalog.FacesForClustering(), f => f.FaceId == faces[1]);
        Assert.DoesNotContain(catalog.FacesInNoPerson(10), f => f.FaceId == faces[1]);
        Assert.Single(catalog.Photos(new PhotoQuery([]), new PageRequest(0, 10)).Photos.Single(p => p.Photo.Id == photo).Faces);
        Assert.True(catalog.FacePeople([faces[1]]).ContainsKey(faces[1]));
        Assert.Contains(faces[1], catalog.FacesChangedSince(revision));

        // Analysed again: found at the same place (moved a little), it is the same row and still no face; not found
        // at all, the row stays, so that a later analysis finding it there meets the mark again
        var moved = Photo("/p/1.jpg", 1, 2);
        moved = moved with { Analysis = moved.Analysis with { Faces = moved.Analysis.Faces.Select((f, i) => i == 1 ? f with { Box = f.Box with { X = f.Box.X + 3 } } : f).ToList() } };
        catalog.Commit([moved]);
        Assert.Equal([faces[0], faces[2]], catalog.Faces(false).Select(f => f.Id));
        catalog.Commit([Photo("/p/1.jpg", 1)]);
        catalog.Commit([Photo("/p/1.jpg", 1, 2)]);
        Assert.Equal([faces[0], faces[2]], catalog.Faces(false).Select(f => f.Id));
        Assert.Equal(2, catalog.Counts().Faces);

        catalog.Change(rows => { rows.SetNotFace([faces[1]], false); return true; });
        Assert.Equal([faces[0], faces[1], faces[2]], catalog.Faces(false).Select(f => f.Id));
        Assert.Equal(110, catalog.Face(faces[1])!.Box.X, 0.01); // where the last analysis found it
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
        long person = new PeopleService(catalog).MoveFaces([faces[0].Id], null);
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
