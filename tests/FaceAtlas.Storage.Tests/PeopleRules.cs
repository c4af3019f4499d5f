using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using static FaceAtlas.Storage.Tests.ContractPhotos;

namespace FaceAtlas.Storage.Tests;

/// <summary>
/// The rules for people (<see cref="PeopleService"/>: clustering, naming, merging, moving, rejecting, ignoring,
/// covers, splitting), written once in Core and checked here on every backend, since each carries them out through
/// its own rows. A new backend derives a class from this one as it does from <see cref="CatalogContract"/>.
/// </summary>
public abstract class PeopleRules
{
    /// <summary>A store for a catalog that does not exist yet; each call a different one.</summary>
    protected abstract ICatalogStore NewStore();

    [ContractFact]
    public void Should_KeepPeopleAndTheUsersDecisions_When_ClusteredAndEdited()
    {
        using var catalog = Created(NewStore());
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
    public void Should_FindPeopleByAnyPartOfTheirName_InAnyCase_When_Filtered()
    {
        // Given: people of 5, 4, 3, 2 and 1 faces, named; one hidden; one more unnamed
        using var catalog = Created(NewStore());
        catalog.Commit(Enumerable.Range(1, 16).Select(i => (PhotoOutcome)Photo($"/p/{i}.jpg", i)).ToList());
        var people = new PeopleService(catalog);
        var faces = catalog.Faces(false).Select(f => f.Id).Order().ToList();
        long Person(int from, int count, string? name)
        {
            long person = people.MoveFaces(faces.Skip(from).Take(count).ToList(), null);
            if (name is not null) people.Name(person, name);
            return person;
        }
        long anna = Person(0, 5, "Anna"), emile = Person(5, 4, "Émile"), ann = Person(9, 3, "ann"), eva = Person(12, 2, "ÉVA"), anne = Person(14, 1, "Anne");
        Person(15, 1, null);
        people.Hide(anne, true);
        List<long> Ids(PersonList list) => list.People.Select(p => p.Id).ToList();

        // Then: any part of a name, in any case (.NET's rule, not SQL's ASCII one), the most faces first
        Assert.Equal([anna, ann], Ids(people.Page(false, "AN", 0, 10)));
        Assert.Equal(2, people.Page(false, "AN", 0, 10).Total);
        Assert.Equal([anna, ann, anne], Ids(people.Page(true, " an ", 0, 10)));
        Assert.Equal([emile, eva], Ids(people.Page(false, "é", 0, 10)));
        Assert.Equal("Émile", people.Page(false, "MIL", 0, 10).People.Single().Name);
        // a page of them counts them all
        var second = people.Page(true, "an", 1, 1);
        Assert.Equal(3, second.Total);
        Assert.Equal([ann], Ids(second));
        Assert.Equal(0, people.Page(false, "zz", 0, 10).Total);
        Assert.Empty(people.Page(false, "zz", 0, 10).People);
        Assert.Equal(6, people.Page(true, null, 0, 10).Total);
    }

    [ContractFact]
    public void Should_MergeAndRememberDistinctPeople_When_Asked()
    {
        using var catalog = Created(NewStore());
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

    [ContractFact]
    public void Should_NameTheMergedPersonAndMoveTheirRejections_When_Merging()
    {
        using var catalog = Created(NewStore());
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
        using var catalog = Created(NewStore());
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
    public void Should_CoverAPersonWithTheirOwnFaceAgain_When_TheirCoverLeavesOrIsRemoved_AndPutTheChosenOneBackWhenUndone()
    {
        // Given: Ann in three photos, Bea in two; Ann's cover chosen by the user
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 1), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 2)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long ann = people.List().Single(p => p.Faces == 3).Id, bea = people.List().Single(p => p.Faces == 2).Id;
        var annFaces = catalog.FacesOf(ann).Order().ToList();
        people.SetCover(ann, annFaces[2]);

        // When: her cover is moved to Bea, then the move undone
        people.MoveFaces([annFaces[2]], bea);
        var meanwhile = (Ann: catalog.Person(ann)!.CoverFace, Bea: catalog.Person(bea)!.CoverFace);
        people.Undo();

        // Then: meanwhile another of her own faces covered her and Bea kept one of hers; the undo put the chosen one back
        Assert.Contains(meanwhile.Ann!.Value, annFaces[..2]);
        Assert.Contains(meanwhile.Bea!.Value, catalog.FacesOf(bea));
        Assert.Equal(annFaces[2], catalog.Person(ann)!.CoverFace);

        // When: the photo of her cover is removed, and clustering comes by
        catalog.RemovePhotos([catalog.Faces(false).Single(f => f.Id == annFaces[2]).Photo.Id]);
        people.Cluster(full: false);

        // Then: one of the faces she has left covers her
        Assert.Equal(2, catalog.Person(ann)!.Faces);
        Assert.Contains(catalog.Person(ann)!.CoverFace!.Value, annFaces[..2]);
    }

    [ContractFact]
    public void Should_LetClusteringLookAgain_When_AFaceIsRejectedOrNoLongerIgnored()
    {
        using var catalog = Created(NewStore());
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
    public void Should_KeepIgnoredFacesOutOfPeople_When_AskedAndBackWhenUndone()
    {
        using var catalog = Created(NewStore());
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
    public void Should_TakeADetectionOutOfItsPersonForGood_When_NotAFace_AndBringItBackAsNewWhenUndone()
    {
        using var catalog = Created(NewStore());
        // Ann in three photos; a "hand" found twice, clustered into a person of its own
        catalog.Commit([Photo("/p/1.jpg", 1, 9), Photo("/p/2.jpg", 1, 9), Photo("/p/3.jpg", 1)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long ann = people.List().Single(p => p.Faces == 3).Id, hand = people.List().Single(p => p.Faces == 2).Id;
        var annFaces = catalog.FacesOf(ann);
        var handFaces = catalog.FacesOf(hand);
        people.SetCover(ann, annFaces[0]);

        people.NotAFace([.. handFaces, annFaces[0]]);
        people.Cluster(full: true);

        Assert.Null(catalog.Person(hand)); // unnamed and without faces: gone
        Assert.Equal(2, catalog.Person(ann)!.Faces);
        Assert.Equal(annFaces[1], catalog.Person(ann)!.CoverFace); // the cover was one of them: chosen again
        Assert.DoesNotContain(catalog.FacesForClustering(), f => handFaces.Contains(f.FaceId) || f.FaceId == annFaces[0]);
        Assert.Empty(catalog.IgnoredFaces());
        Assert.Empty(new FaceReview(catalog).Groups());
        Assert.Empty(people.Suggest());
        Assert.Equal(2, catalog.Faces(false).Count()); // Ann's two left of five
        // No one's and no stranger: a move or an ignore is refused, and writes nothing
        string marked = PeopleState(catalog);
        var refused = Assert.Throws<InvalidRequestException>(() => people.MoveFaces([handFaces[0], annFaces[1]], ann));
        Assert.Contains($"face {handFaces[0]} is marked not a face", refused.Message);
        Assert.Throws<InvalidRequestException>(() => people.Ignore([handFaces[1]]));
        Assert.Equal(marked, PeopleState(catalog));

        // Undone: faces again, in no person, to be clustered as new ones; a face never marked is left alone
        people.NotAFace([annFaces[0], annFaces[1]], notFace: false);
        Assert.Equal(FaceAssignment.None, catalog.FacesForClustering().Single(f => f.FaceId == annFaces[0]).Assignment);
        Assert.False(catalog.FacesForClustering().Single(f => f.FaceId == annFaces[0]).Clustered);
        Assert.Equal(ann, catalog.FacePeople([annFaces[1]])[annFaces[1]]);
        people.Cluster(full: false);
        Assert.Equal(3, catalog.Person(ann)!.Faces);
        Assert.Throws<NotFoundException>(() => people.NotAFace([424242]));
    }

    [ContractFact]
    public void Should_SplitAPersonInOneChange_When_TheyHoldTwoPeople()
    {
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 1), Photo("/p/4.jpg", 7), Photo("/p/5.jpg", 7), Photo("/p/6.jpg", 9)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        var all = catalog.Faces(false).Select(f => f.Id).ToList();
        long person = people.MoveFaces(all, null); // the user's mistake: three people in one
        people.Name(person, "Ann");

        var result = people.Split(person);

        // The largest group stays, a group of two is a new person, the lone face leaves and is rejected
        Assert.Equal(2, result.Count);
        Assert.Equal(person, result[0]);
        long PersonAt(string path) => catalog.Faces(false).Single(f => f.Photo.Path == path).PersonId ?? 0;
        Assert.Equal([person, person, person], new[] { "/p/1.jpg", "/p/2.jpg", "/p/3.jpg" }.Select(PersonAt));
        Assert.Equal([result[1], result[1]], new[] { "/p/4.jpg", "/p/5.jpg" }.Select(PersonAt));
        var lone = catalog.Faces(false).Single(f => f.Photo.Path == "/p/6.jpg").Id;
        Assert.Null(catalog.FacePeople([lone])[lone]);
        Assert.Contains(person, catalog.FacesForClustering().Single(f => f.FaceId == lone).RejectedPeople);
        Assert.Equal("Ann", catalog.Person(person)!.Name);
        Assert.Contains(catalog.Person(result[1])!.CoverFace!.Value, catalog.FacesOf(result[1]));
    }

    /// <summary>The counts a list of people shows are kept by the catalog as faces move: each the same as counting anew.</summary>
    [ContractFact]
    public void Should_CountEachPersonsFacesAndPhotosAsCountingAnew_When_FacesMoveComeAndGo()
    {
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1, 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 3, 2)]);
        var people = new PeopleService(catalog);
        void Recounted()
        {
            var faces = catalog.Faces(false).Where(f => f.PersonId is not null).GroupBy(f => f.PersonId!.Value).ToDictionary(g => g.Key);
            foreach (var p in catalog.People(includeHidden: true))
            {
                var own = faces.TryGetValue(p.Id, out var g) ? g.ToList() : [];
                Assert.Equal((own.Count, own.Select(f => f.Photo.Id).Distinct().Count()), (p.Faces, p.Photos));
            }
        }

        people.Cluster(full: false);
        Recounted();
        var list = people.List();
        long a = list[0].Id, b = list[1].Id;
        var both = catalog.Faces(false).Where(f => f.Photo.Path == "/p/1.jpg").Select(f => f.Id).ToList();
        people.MoveFaces(both, b); // two faces of one photo: one photo more, two faces
        Recounted();
        people.Name(a, "Ann");
        people.Merge(a, [b]);
        Recounted();
        people.RejectFaces([both[0]], a);
        people.Ignore([both[1]]);
        Recounted();
        catalog.Commit([Photo("/p/2.jpg", 1, 2)]); // the photo analysed again: its faces replaced
        catalog.RemovePhotos([catalog.PhotosUnder("/p/3.jpg").Single().Id]);
        Recounted();
        people.Cluster(full: true);
        Recounted();
        people.Forget(a);
        Recounted();
    }

    /// <summary>Everything about people a change can touch, comparable as text.</summary>
    static string PeopleState(IFaceCatalog catalog)
    {
        var people = catalog.People(includeHidden: true).OrderBy(p => p.Id)
            .Select(p => $"person {p.Id} {p.Name ?? "-"} hidden={p.Hidden} cover={p.CoverFace} faces={p.Faces} photos={p.Photos}");
        var faces = catalog.FacesForClustering().OrderBy(f => f.FaceId)
            .Select(f => $"face {f.FaceId} in {f.PersonId?.ToString() ?? "-"} by {f.Assignment} clustered={f.Clustered} not={string.Join(',', f.RejectedPeople.Order())}");
        return string.Join('\n', people.Concat(faces).Append($"ignored {string.Join(',', catalog.IgnoredFaces())}")
            .Append($"distinct {string.Join(',', catalog.DistinctPeople().Order())}"));
    }

    [ContractFact]
    public void Should_PutEveryRowBack_When_EachKindOfChangeIsUndone()
    {
        // Given: three people (one named, one with a rejection), clustered
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1, 2), Photo("/p/3.jpg", 1, 3), Photo("/p/4.jpg", 3), Photo("/p/5.jpg", 5)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        var ids = people.List().OrderByDescending(p => p.Faces).ThenBy(p => p.Id).Select(p => p.Id).ToList();
        long ann = ids[0], bob = ids[1], cy = ids[2];
        people.Name(ann, "Ann");
        people.RejectFaces([catalog.FacesOf(cy)[0]], cy);
        var changes = new (string Kind, Action Change)[]
        {
            ("merge", () => people.Merge(bob, [ann, cy])),
            ("move", () => people.MoveFaces([catalog.FacesOf(ann)[0], catalog.FacesOf(bob)[0]], null)),
            ("move", () => people.MoveFaces([catalog.FacesOf(bob)[0]], ann)),
            ("reject", () => people.RejectFaces(catalog.FacesOf(bob), bob)),
            ("ignore", () => people.Ignore([catalog.FacesOf(ann)[0], catalog.FacesOf(bob)[1]])),
            ("hide", () => people.Hide(ann, true)),
            ("dismiss", () => people.Dismiss(cy, ann)),
            ("name", () => people.Name(bob, "Bob")),
            ("not-a-face", () => people.NotAFace([catalog.FacesOf(bob)[0]])),
            ("cover", () => people.SetCover(bob, catalog.FacesOf(bob).First(f => f != catalog.Person(bob)!.CoverFace))),
        };

        foreach (var (kind, change) in changes)
        {
            // When: the change is made, then undone
            string before = PeopleState(catalog);
            change();
            long? recorded = people.Recorded;
            string after = PeopleState(catalog);
            var undone = people.Undo(recorded);

            // Then: every row is as it was, and the history says so
            Assert.True(before != after, $"the {kind} changed nothing: a test that cannot fail");
            Assert.True(before == PeopleState(catalog), $"after the {kind} was undone:\n{PeopleState(catalog)}\nbefore it:\n{before}");
            Assert.Equal(kind, undone.Kind);
            Assert.Equal(recorded, undone.Id);
            Assert.True(people.History(1)[0] is { Undone: true } last && last.Id == recorded, $"the {kind} is not marked undone");
        }

        // A split: Ann and Cy as one person (kept), split apart, and the split undone
        people.Merge(ann, [cy]);
        string merged = PeopleState(catalog);
        people.Split(ann);
        Assert.True(merged != PeopleState(catalog), "the merged person did not split: a test that cannot fail");
        Assert.Equal("split", people.Undo(people.Recorded).Kind);
        Assert.Equal(merged, PeopleState(catalog));
    }

    [ContractFact]
    public void Should_UndoTheNewestChangeFirst_When_SeveralAreMade()
    {
        // Given: a merge, then a hide
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2)]);
        var people = new PeopleService(catalog);
        Assert.Throws<InvalidRequestException>(() => people.Undo()); // nothing to undo yet
        people.Cluster(full: false);
        long a = people.List()[0].Id, b = people.List()[1].Id;
        string clustered = PeopleState(catalog);
        people.Name(a, "Ann");
        people.Name(b, "Bea");
        string named = PeopleState(catalog);
        people.Merge(a, [b]);
        long merge = people.Recorded!.Value;
        people.Hide(a, true);

        // When: the merge is asked for while the hide is newer
        var refused = Assert.Throws<InvalidRequestException>(() => people.Undo(merge));

        // Then: refused, saying which change comes first; undone in order, everything comes back
        Assert.Contains("Hid Ann", refused.Message);
        Assert.Equal("hide", people.Undo().Kind);
        Assert.Equal("merge", people.Undo(merge).Kind);
        Assert.Equal("Bea", catalog.Person(b)!.Name);
        Assert.Equal(named, PeopleState(catalog));
        Assert.Equal([$"Named Bea (was Unnamed person {b})", $"Named Ann (was Unnamed person {a})"], people.History(4).Skip(2).Select(c => c.Summary));
        Assert.Equal("Merged Bea into Ann", people.History(4)[1].Summary);
        people.Undo();
        people.Undo();
        Assert.Equal(clustered, PeopleState(catalog));
        Assert.Throws<InvalidRequestException>(() => people.Undo());
        Assert.All(people.History(10), c => Assert.True(c.Undone));
    }

    [ContractFact]
    public void Should_PlaceNewFacesAsAWholeCatalogRunDoes_When_ClusteredByTheirNeighbourhood()
    {
        // Given: two catalogs alike: people clustered, a face said not to be its person, a birth day known
        using var whole = Created(NewStore());
        using var near = Created(NewStore());
        static PhotoOutcome Dated(PhotoOutcome.Analysed photo, int year) => photo with { Taken = new CaptureDate(new DateTime(year, 6, 1), null, DateSource.Exif) };
        PhotoOutcome[] first = [Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 3), Photo("/p/5.jpg", 3),
            Photo("/p/12.jpg", 1, 1)];
        PhotoOutcome[] later = [Photo("/p/6.jpg", 1), Dated(Photo("/p/7.jpg", 2), 2019), Dated(Photo("/p/8.jpg", 6), 2021),
            Photo("/p/9.jpg", 4), Photo("/p/10.jpg", 4), Photo("/p/11.jpg", 5)];
        var wholePeople = new PeopleService(whole);
        var nearPeople = new PeopleService(near, ClusteringOptions.Default with { NeighbourhoodShare = 1 });
        long FaceOf(IFaceCatalog catalog, string path, int nth = 0) => catalog.Faces(false).Where(f => f.Photo.Path == path).OrderBy(f => f.Id).ElementAt(nth).Id;
        foreach (var (catalog, people) in new[] { (whole, wholePeople), (near, nearPeople) })
        {
            catalog.Commit(first);
            people.Cluster(full: false);
            long third = catalog.FacePeople([FaceOf(catalog, "/p/4.jpg")]).Single().Value!.Value;
            people.RejectFaces([FaceOf(catalog, "/p/5.jpg")], third);
            people.SetBirth(catalog.FacePeople([FaceOf(catalog, "/p/3.jpg")]).Single().Value!.Value, new DateOnly(2020, 1, 1));
            catalog.Commit(later);
        }

        // When: new faces clustered, in one by reading every face, in the other against their neighbourhood
        wholePeople.Cluster(full: false);
        var summary = nearPeople.Cluster(full: false, neighbours: new EveryFace(near));

        // Then: every face where the other put it; and the rules held: one photo, one face of a person (the lone face
        // of /p/12.jpg stays out of the person its photo's other face is in); no face before a birth; no face back in
        // the person it was said not to be
        static List<string> Grouping(IFaceCatalog catalog) => catalog.Faces(false).GroupBy(f => f.PersonId)
            .Select(g => (g.Key is null ? "none: " : "person: ") + string.Join(",", g.Select(f => f.Photo.Path).Order())).Order().ToList();
        Assert.True(summary.Neighbourhood);
        Assert.Equal(Grouping(whole), Grouping(near));
        long? PersonOf(string path, int nth = 0) => near.FacePeople([FaceOf(near, path, nth)]).Single().Value;
        Assert.Equal(PersonOf("/p/2.jpg"), PersonOf("/p/6.jpg"));
        Assert.NotEqual(PersonOf("/p/3.jpg"), PersonOf("/p/7.jpg"));
        Assert.NotEqual(PersonOf("/p/4.jpg"), PersonOf("/p/5.jpg"));
        Assert.NotNull(PersonOf("/p/9.jpg"));
        Assert.Equal(PersonOf("/p/9.jpg"), PersonOf("/p/10.jpg"));
        Assert.Null(PersonOf("/p/11.jpg"));
        Assert.Null(PersonOf("/p/8.jpg"));
        Assert.NotEqual(PersonOf("/p/12.jpg", 0) ?? -1, PersonOf("/p/12.jpg", 1) ?? -2);
    }

    /// <summary>
    /// Clustering by neighbourhood carries the sums of the people it places new faces in (and of those it makes):
    /// after batch upon batch, each person read as a cluster holds exactly the faces that count in them.
    /// </summary>
    [ContractFact]
    public void Should_HoldEachPersonsFacesAsTheirSum_When_BatchesAreClusteredByTheirNeighbourhood()
    {
        using var catalog = Created(NewStore());
        var people = new PeopleService(catalog, ClusteringOptions.Default with { NeighbourhoodShare = 1 });
        PhotoOutcome[][] batches =
        [
            [Photo("/p/1.jpg", 1, 2), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2)],
            [Photo("/p/4.jpg", 1), Photo("/p/5.jpg", 2, 3), Photo("/p/6.jpg", 3)],
            [Photo("/p/7.jpg", 1, 3), Photo("/p/8.jpg", 2), Photo("/p/9.jpg", 4), Photo("/p/10.jpg", 4)],
        ];
        foreach (var batch in batches)
        {
            catalog.Commit(batch);
            var summary = people.Cluster(full: false, neighbours: new EveryFace(catalog));

            var truth = catalog.FacesInPeople().GroupBy(f => f.Person).ToDictionary(g => g.Key, g => g.ToList());
            var asClusters = catalog.PeopleAsClusters(truth.Keys.ToList(), []);
            Assert.True(summary.Neighbourhood);
            Assert.Equal(truth.Keys.Order(), asClusters.Select(c => c.Person).Order());
            foreach (var cluster in asClusters)
            {
                Assert.Equal(truth[cluster.Person].Count, cluster.Faces);
                for (int d = 0; d < 512; d++)
                    Assert.Equal(truth[cluster.Person].Sum(f => (double)f.Embedding[d]), cluster.Sum[d], 5);
            }
        }
        Assert.Equal(4, catalog.PeopleCount());
    }

    [ContractFact]
    public void Should_KeepFacesThatCameLater_When_AMergeIsUndone()
    {
        // Given: two named people merged, then a new photo clustered into the merged person
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long a = people.List()[0].Id, b = people.List()[1].Id;
        people.Merge(a, [b]);
        catalog.Commit([Photo("/p/5.jpg", 2)]);
        people.Cluster(full: false);
        long later = catalog.Faces(false).Single(f => f.Photo.Path == "/p/5.jpg").Id;
        Assert.Equal(a, catalog.FacePeople([later])[later]);

        // When: the merge is undone
        people.Undo();

        // Then: both people are back with their own faces; the later face is still someone's or no one's, never lost
        Assert.Equal(2, catalog.Person(b)!.Faces);
        Assert.Contains(later, catalog.FacePeople([later]).Keys);
        Assert.Equal(5, catalog.People(true).Sum(p => p.Faces) + catalog.Faces(false).Count(f => f.PersonId is null));
    }

    [ContractFact]
    public void Should_KeepNothingOfAForgottenPersonInTheHistory_When_Forgotten()
    {
        // Given: Ann named and Bea hidden (older changes), Ann's face moved, then Cy named (a later change)
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1, 3), Photo("/p/2.jpg", 1, 3), Photo("/p/3.jpg", 2), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 1)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        var ids = people.List().OrderByDescending(p => p.Faces).ThenBy(p => p.Id).Select(p => p.Id).ToList();
        long ann = ids[0], bea = ids[1], cy = ids[2];
        people.Hide(bea, true);
        people.Name(ann, "Ann");
        people.MoveFaces([catalog.FacesOf(ann)[0]], null);
        long moved = people.Recorded!.Value;
        people.Name(cy, "Cy");

        // When: Ann is forgotten
        people.Forget(ann);

        // Then: no line names Ann or her faces, nor comes before one that did; the later change still undoes;
        // and no undo brings Ann back
        var history = people.History(10);
        Assert.DoesNotContain(history, c => c.Summary.Contains("Ann"));
        Assert.DoesNotContain(history, c => c.Id <= moved);
        Assert.Equal("name", people.Undo().Kind);
        Assert.Null(catalog.Person(cy)!.Name);
        Assert.Throws<InvalidRequestException>(() => people.Undo());
        Assert.Null(catalog.Person(ann));
        Assert.True(catalog.Person(bea)!.Hidden);
    }

    [ContractFact]
    public void Should_LeaveAFaceToClustering_When_UndoWouldPutItInAPersonGoneSince()
    {
        // Given: a face moved from Ann to Bea, then Ann dropped by something outside the history (as a full
        // re-clustering drops a machine's person)
        using var catalog = Created(NewStore());
        catalog.Commit([Photo("/p/1.jpg", 1), Photo("/p/2.jpg", 1), Photo("/p/3.jpg", 1), Photo("/p/4.jpg", 2), Photo("/p/5.jpg", 2)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long ann = people.List()[0].Id, bea = people.List()[1].Id;
        // a face that is not Ann's cover, so the move leaves Ann's own row as it was (the journal keeps no copy of it)
        var annFaces = catalog.FacesOf(ann).OrderBy(f => f == catalog.Person(ann)!.CoverFace).ToList();
        people.MoveFaces([annFaces[0]], bea);
        catalog.Change(rows =>
        {
            rows.PlaceFaces(annFaces.Skip(1).ToList(), null, FaceAssignment.None);
            rows.DeletePeople([ann]);
            return true;
        });

        // When: the move is undone
        people.Undo();

        // Then: the face is nobody's, to be clustered again, and no row points at a person who is not there
        Assert.Null(catalog.Person(ann));
        Assert.Null(catalog.FacePeople([annFaces[0]])[annFaces[0]]);
        Assert.False(catalog.FacesForClustering().Single(f => f.FaceId == annFaces[0]).Clustered);
        Assert.All(catalog.FacesForClustering().Where(f => f.PersonId is not null), f => Assert.NotNull(catalog.Person(f.PersonId!.Value)));
    }

    static PhotoOutcome Taken(PhotoOutcome.Analysed photo, int year, DateSource source = DateSource.Exif) =>
        photo with { Taken = new CaptureDate(new DateTime(year, 6, 1, 12, 0, 0), null, source) };

    [ContractFact]
    public void Should_KeepFacesFromBeforeABirthOutOfThePerson_When_ClusteredMovedSuggestedOrReviewed()
    {
        // Given: a child's photos (2016, 2018, a file-dated one) and, alike, two of their parent's from 1990
        using var catalog = Created(NewStore());
        catalog.Commit([Taken(Photo("/p/1.jpg", 1), 2016), Taken(Photo("/p/2.jpg", 1), 2018), Taken(Photo("/p/3.jpg", 1), 1999, DateSource.File)]);
        var people = new PeopleService(catalog);
        people.Cluster(full: false);
        long child = people.List().Single().Id;
        people.Name(child, "Ann");

        // When: Ann's birth day is set, then the parent's photos indexed and clustered
        Assert.Equal(0, people.SetBirth(child, new DateOnly(2015, 3, 1)));
        catalog.Commit([Taken(Photo("/p/4.jpg", 1), 1990), Taken(Photo("/p/5.jpg", 1), 1991)]);
        people.Cluster(full: false);
        long[] parent = catalog.Faces(false).Where(f => f.Photo.Path is "/p/4.jpg" or "/p/5.jpg").Select(f => f.Id).ToArray();

        // Then: the parent's faces never join Ann (a person of their own, or none); the file-dated one stayed hers
        Assert.Equal(new DateOnly(2015, 3, 1), catalog.Person(child)!.Birth);
        Assert.All(parent, f => Assert.NotEqual(child, catalog.FacePeople([f])[f]));
        Assert.Equal(3, catalog.Person(child)!.Faces);
        people.Cluster(full: true);
        Assert.All(parent, f => Assert.NotEqual(child, catalog.FacePeople([f])[f]));
        // a move is refused, saying why; no suggestion pairs them, and the review does not offer Ann for them
        var refused = Assert.Throws<InvalidRequestException>(() => people.MoveFaces([parent[0]], child));
        Assert.Contains("before Ann was born (2015-03-01)", refused.Message);
        Assert.DoesNotContain(people.Suggest(), s => s.First.Id == child || s.Second.Id == child);
        Assert.DoesNotContain(new FaceReview(catalog).Groups(), g => g.Candidates.Any(c => c.Person.Id == child));

        // When: the birth day is set later than a photo already hers (2016)
        people.Cluster(full: false);
        int left = people.SetBirth(child, new DateOnly(2017, 1, 1));

        // Then: that face leaves her, marked "not her"; undone, it is hers again with the earlier birth day
        Assert.Equal(1, left);
        long early = catalog.Faces(false).Single(f => f.Photo.Path == "/p/1.jpg").Id;
        Assert.Null(catalog.FacePeople([early])[early]);
        Assert.Contains(child, catalog.FacesForClustering().Single(f => f.FaceId == early).RejectedPeople);
        Assert.Equal("birth", people.Undo().Kind);
        Assert.Equal(child, catalog.FacePeople([early])[early]);
        Assert.Equal(new DateOnly(2015, 3, 1), catalog.Person(child)!.Birth);
        people.SetBirth(child, null);
        Assert.Null(catalog.Person(child)!.Birth);
        Assert.Empty(catalog.Births([child]));
    }

    [ContractFact]
    public void Should_RefuseAMergeAcrossABirthDayAndKeepTheDay_When_MergedUndoneAndCopied()
    {
        // Given: Ann (born 2015, a photo of 2016), a parent's person (1990), and a person of 2019 of no known birth
        using var catalog = Created(NewStore());
        catalog.Commit([Taken(Photo("/p/1.jpg", 1), 2016), Taken(Photo("/p/2.jpg", 2), 1990), Taken(Photo("/p/3.jpg", 3), 2019)]);
        var people = new PeopleService(catalog);
        long Own(string path) => people.MoveFaces([catalog.Faces(false).Single(f => f.Photo.Path == path).Id], null);
        long ann = Own("/p/1.jpg"), parent = Own("/p/2.jpg"), later = Own("/p/3.jpg");
        people.Name(ann, "Ann");
        people.SetBirth(ann, new DateOnly(2015, 3, 1));

        // When / Then: the parent cannot be merged into Ann, nor Ann into the parent; nothing changed
        Assert.Contains("before Ann was born (2015-03-01)", Assert.Throws<InvalidRequestException>(() => people.Merge(ann, [parent])).Message);
        Assert.Throws<InvalidRequestException>(() => people.Merge(parent, [ann]));
        Assert.Equal(1, catalog.Person(parent)!.Faces);
        Assert.Null(catalog.Person(parent)!.Birth);

        // When: the person of 2019 takes Ann in. Then: the merged person has her birth day, and loses it when undone
        people.Merge(later, [ann]);
        Assert.Equal(new DateOnly(2015, 3, 1), catalog.Person(later)!.Birth);
        Assert.Equal("merge", people.Undo().Kind);
        Assert.Null(catalog.Person(later)!.Birth);
        Assert.Equal(new DateOnly(2015, 3, 1), catalog.Person(ann)!.Birth);

        // And a copy of the catalog (catalog copy) keeps the day
        using var copy = NewStore().OpenForWriting(create: true);
        copy.WriteAll(catalog.ReadAll());
        Assert.Equal(new DateOnly(2015, 3, 1), copy.Catalog.Person(ann)!.Birth);
        Assert.Equal(new Dictionary<long, DateOnly> { [ann] = new(2015, 3, 1) }, copy.Catalog.Births([ann, parent]));
    }
}
