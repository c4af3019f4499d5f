using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// People's averages and suggestions saved beside a real SQLite catalog: read back as they were made, never from
/// another catalog or a damaged file, and each suggestion as the catalog stands when it is read.
/// </summary>
public sealed class SavedLikenessTests : IDisposable
{
    readonly TempFolder _temp = new();
    readonly SqliteCatalog _catalog;
    readonly PeopleService _people;
    readonly SyntheticFaces _s = new(5);
    int _photo;

    public SavedLikenessTests()
    {
        _catalog = SqliteCatalog.Open(_temp.File("c.db"));
        _people = new PeopleService(_catalog);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _temp.Dispose();
    }

    /// <summary>A person of <paramref name="count"/> one-face photos of one identity, moved there by hand.</summary>
    long Person(float[] identity, int count)
    {
        var outcomes = Enumerable.Range(0, count).Select(_ => (PhotoOutcome)new PhotoOutcome.Analysed(new PhotoFile($"/photos/{++_photo}.jpg", 1, 1), [1],
            new PhotoAnalysis(100, 100, "JPEG", [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f,
                new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), _s.Face(identity))]))).ToList();
        _catalog.Commit(outcomes);
        var faces = _catalog.Faces(false).Where(f => f.PersonId is null).Select(f => f.Id).ToList();
        return _people.MoveFaces(faces, null);
    }

    string Path(string name) => _temp.File(name);

    /// <summary>Review candidates found among averages made a while ago are each read as the catalog holds them now.</summary>
    [Fact]
    public void Should_OfferReviewCandidatesAsTheyAreNow_When_TheAveragesWereMadeBefore()
    {
        // Given: three people, their averages made, then a face of each in no person
        var (ann, bob, cy) = (_s.Direction(), _s.Direction(), _s.Direction());
        long a = Person(ann, 3), b = Person(bob, 3), c = Person(cy, 3);
        var centres = PersonCentres.Of(_catalog);
        foreach (var identity in new[] { ann, bob, cy })
            _catalog.Commit([new PhotoOutcome.Analysed(new PhotoFile($"/photos/{++_photo}.jpg", 1, 1), [1], new PhotoAnalysis(100, 100, "JPEG",
                [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f, new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), _s.Face(identity))]))]);
        var review = new FaceReview(_catalog);

        // When: one is named, one hidden, one merged into the first since
        _people.Name(a, "Ann");
        _people.Hide(b, true);
        _people.Merge(a, [c]);
        var groups = review.Candidates(review.Leftovers(), centres);

        // Then: Ann, by her new name and size, for her face; nobody for Bob's (hidden) or Cy's (gone into Ann)
        Assert.Equal(3, groups.Count);
        var offered = groups.Select(g => g.Candidates.Select(x => (x.Person.Id, x.Person.Name, x.Person.Faces)).ToList()).ToList();
        Assert.Equal(1, offered.Count(o => o.SequenceEqual([(a, (string?)"Ann", 6)])));
        Assert.Equal(2, offered.Count(o => o.Count == 0));
    }

    [Fact]
    public void Should_ReadTheCentresBackBitForBit_When_SavedForThisCatalog()
    {
        Person(_s.Direction(), 3);
        Person(_s.Direction(), 2);
        long revision = _catalog.PeopleRevision();
        var made = PersonCentres.Of(_catalog);

        SavedLikeness.Save(Path("c.centres"), _catalog.CatalogId, revision, made);
        var saved = SavedLikeness.LoadCentres(Path("c.centres"), _catalog.CatalogId);

        Assert.NotNull(saved);
        Assert.Equal(revision, saved.PeopleRevision);
        var read = saved.Value;
        Assert.Equal(made.People, read.People);
        Assert.Equal(made.Packed, read.Packed);
        Assert.Equal(2, read.People.Count);
    }

    [Fact]
    public void Should_ReadAFileOfTheFirstVersion_AtNoRevision_When_SavedBeforeRevisionsWereKept()
    {
        // Given: centres saved by a FaceAtlas before the people's revision was saved with them (version 1: no revision)
        Person(_s.Direction(), 3);
        var made = PersonCentres.Of(_catalog);
        SavedLikeness.Save(Path("c.centres"), _catalog.CatalogId, 12345, made);
        var whole = File.ReadAllBytes(Path("c.centres"));
        using (var r = new BinaryReader(new MemoryStream(whole)))
        {
            r.ReadString();
            int versionAt = (int)r.BaseStream.Position;
            Assert.Equal(3, r.ReadInt32());
            r.ReadString();
            int revisionAt = (int)r.BaseStream.Position;
            Assert.Equal(12345, r.ReadInt64());
            byte[] first = [.. whole[..versionAt], 1, 0, 0, 0, .. whole[(versionAt + 4)..revisionAt], .. whole[(revisionAt + 8)..]];
            File.WriteAllBytes(Path("first.centres"), first);
        }

        // When: read
        var saved = SavedLikeness.LoadCentres(Path("first.centres"), _catalog.CatalogId);

        // Then: the centres, at no revision (a server answers with them and makes them anew)
        Assert.NotNull(saved);
        Assert.Null(saved.PeopleRevision);
        Assert.Equal(made.Packed, saved.Value.Packed);
    }

    [Fact]
    public void Should_ReadSuggestionsOfTheSecondVersion_AtNoRevision_AndCentresAtTheirs_When_SavedBeforeAThousandWereKept()
    {
        // Given: centres and suggestions saved at the catalog's revision, each then marked as of version 2 (a server
        // that kept twenty suggestions)
        long a = Person(_s.Direction(), 3), b = Person(_s.Direction(), 3);
        long revision = _catalog.PeopleRevision();
        SavedLikeness.Save(Path("c.centres"), _catalog.CatalogId, revision, PersonCentres.Of(_catalog));
        SavedLikeness.Save(Path("c.suggestions"), _catalog.CatalogId, revision, [new MergeSuggestion(_catalog.Person(a)!, _catalog.Person(b)!, 0.5f)]);
        foreach (var file in new[] { "c.centres", "c.suggestions" })
        {
            var whole = File.ReadAllBytes(Path(file));
            using var r = new BinaryReader(new MemoryStream(whole));
            r.ReadString();
            int versionAt = (int)r.BaseStream.Position;
            Assert.Equal(3, r.ReadInt32());
            whole[versionAt] = 2;
            File.WriteAllBytes(Path(file), whole);
        }

        // When: read
        var centres = SavedLikeness.LoadCentres(Path("c.centres"), _catalog.CatalogId);
        var suggestions = SavedLikeness.LoadSuggestions(Path("c.suggestions"), _catalog.CatalogId, _catalog);

        // Then: the centres at their revision (kept while people are unchanged); the suggestions at none (answered,
        // then made anew once, a thousand of them)
        Assert.Equal(revision, centres?.PeopleRevision);
        Assert.NotNull(suggestions);
        Assert.Null(suggestions.PeopleRevision);
        Assert.Equal((a, b), (Assert.Single(suggestions.Value).First.Id, suggestions.Value[0].Second.Id));
    }

    [Fact]
    public void Should_ReadNothing_When_TheFileIsOfAnotherCatalogCutShortOrNotThere()
    {
        Person(_s.Direction(), 3);
        SavedLikeness.Save(Path("c.centres"), _catalog.CatalogId, _catalog.PeopleRevision(), PersonCentres.Of(_catalog));
        var whole = File.ReadAllBytes(Path("c.centres"));
        File.WriteAllBytes(Path("short.centres"), whole[..^4]);
        File.WriteAllBytes(Path("long.centres"), [.. whole, 0]);
        File.WriteAllBytes(Path("garbage.centres"), [0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);

        Assert.Null(SavedLikeness.LoadCentres(Path("c.centres"), "another catalog"));
        Assert.Null(SavedLikeness.LoadCentres(Path("short.centres"), _catalog.CatalogId));
        Assert.Null(SavedLikeness.LoadCentres(Path("long.centres"), _catalog.CatalogId));
        Assert.Null(SavedLikeness.LoadCentres(Path("garbage.centres"), _catalog.CatalogId));
        Assert.Null(SavedLikeness.LoadCentres(Path("absent.centres"), _catalog.CatalogId));
        Assert.Null(SavedLikeness.LoadSuggestions(Path("c.centres"), _catalog.CatalogId, _catalog)); // centres are not suggestions
        Assert.NotNull(SavedLikeness.LoadCentres(Path("c.centres"), _catalog.CatalogId));
    }

    [Fact]
    public void Should_ReadEachSuggestionAsThePeopleAreNow_When_ChangedSinceItWasSaved()
    {
        // Given: four pairs of people, each one identity split in two, suggested and saved
        var pairs = Enumerable.Range(0, 4).Select(_ => _s.Direction()).Select(id => (Person(id, 3), Person(id, 2))).ToList();
        var made = _people.Suggest();
        Assert.All(pairs, p => Assert.Contains(made, s => new[] { s.First.Id, s.Second.Id }.Order().SequenceEqual(new[] { p.Item1, p.Item2 }.Order())));
        SavedLikeness.Save(Path("c.suggestions"), _catalog.CatalogId, _catalog.PeopleRevision(), made);

        // When: one pair merged, one person hidden, one pair said to be two people, the last one named
        _people.Merge(pairs[0].Item1, [pairs[0].Item2]);
        _people.Hide(pairs[1].Item2, true);
        _people.Dismiss(pairs[2].Item1, pairs[2].Item2);
        _people.Name(pairs[3].Item1, "Ada");
        var read = SavedLikeness.LoadSuggestions(Path("c.suggestions"), _catalog.CatalogId, _catalog)?.Value;

        // Then: only the last pair is left, with its name as it is now and its similarity as it was saved
        Assert.NotNull(read);
        var left = Assert.Single(read);
        Assert.Equal(new[] { pairs[3].Item1, pairs[3].Item2 }.Order(), new[] { left.First.Id, left.Second.Id }.Order());
        Assert.Contains("Ada", new[] { left.First.Name, left.Second.Name });
        Assert.Equal(made.Single(s => s.First.Id == left.First.Id && s.Second.Id == left.Second.Id).Similarity, left.Similarity);
        Assert.Null(SavedLikeness.LoadSuggestions(Path("c.suggestions"), "another catalog", _catalog));
    }
}
