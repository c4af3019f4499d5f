using FaceAtlas.Core.Application;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Tags;
using FaceAtlas.Storage;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// The birth-date rule (issue 40, immich-app/immich#17454) on synthetic faces in a real SQLite catalog: a face of a
/// photo taken, by its own date, before a person was born never joins them. Each test shows first that the faces
/// would join (or be offered) without the birth day, so that it fails if the rule stops holding rather than because
/// the faces never looked alike.
/// </summary>
public sealed class BirthRuleTests : IDisposable
{
    static readonly DateOnly Born = new(2015, 3, 1);

    readonly TempFolder _temp = new();
    readonly SqliteCatalog _catalog;
    readonly PeopleService _people;
    readonly SyntheticFaces _s = new(40);
    int _photo;

    public BirthRuleTests()
    {
        _catalog = SqliteCatalog.Open(_temp.File("c.db"));
        _people = new PeopleService(_catalog);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _temp.Dispose();
    }

    /// <summary>One-face photos of <paramref name="identity"/> taken on these days (by the camera, unless <paramref name="source"/> says otherwise); their faces' ids.</summary>
    List<long> Photos(float[] identity, DateSource source, params string[] days)
    {
        var paths = new List<string>();
        var outcomes = days.Select(day =>
        {
            var path = $"/photos/{++_photo}.jpg";
            paths.Add(path);
            return (PhotoOutcome)new PhotoOutcome.Analysed(new PhotoFile(path, 1, 1), [1], new PhotoAnalysis(100, 100, "JPEG",
                [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f, new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), _s.Face(identity),
                    new FaceAttributes(30, 0.5f, new HeadPose(0, 0, 0), 0.5f, 0.8f))]))
            { Taken = new CaptureDate(DateTime.Parse(day, System.Globalization.CultureInfo.InvariantCulture).AddHours(12), null, source) };
        }).ToList();
        _catalog.Commit(outcomes);
        var byPath = _catalog.Faces(false).ToDictionary(f => f.Photo.Path, f => f.Id);
        return paths.Select(p => byPath[p]).ToList();
    }

    List<long> Photos(float[] identity, params string[] days) => Photos(identity, DateSource.Exif, days);

    long? PersonOf(long face) => _catalog.FacePeople([face])[face];

    [Fact]
    public void Should_KeepAFaceFromBeforeTheBirthOutOfThePerson_When_Clustering()
    {
        // Given: a child of three photos clustered into a person whose birth day is known
        var look = _s.Direction();
        var child = Photos(look, "2016-05-01", "2018-07-04", "2019-01-02");
        _people.Cluster(full: false);
        long ann = PersonOf(child[0])!.Value;
        _people.Name(ann, "Ann");
        _people.SetBirth(ann, Born);

        // When: faces alike hers arrive: one of 2020 and one whose file alone says 1990; then one of 1990 by its camera
        long later = Photos(look, "2020-02-02")[0];
        long fileDated = Photos(look, DateSource.File, "1990-06-02")[0];
        _people.Cluster(full: false);
        long before = Photos(look, "1990-06-01")[0];
        _people.Cluster(full: false);

        // Then: the later one and the file-dated one join her (a file's date is no photo's); the 1990 one does not
        Assert.Equal(ann, PersonOf(later));
        Assert.Equal(ann, PersonOf(fileDated));
        Assert.NotEqual(ann, PersonOf(before));

        // And a full clustering, which places every face the machine placed again, keeps it out too
        _people.Cluster(full: true);
        Assert.NotEqual(ann, PersonOf(before));

        // And without the birth day it would have joined her: the faces are alike
        _people.SetBirth(ann, null);
        _people.Cluster(full: true);
        Assert.Equal(ann, PersonOf(before));
    }

    [Fact]
    public void Should_NotSuggestTwoPeople_When_OnesPhotosAreOlderThanTheOthersBirth()
    {
        // Given: alike faces the user put into two people: a child's (from 2016) and a parent's (from 1990)
        var look = _s.Direction();
        long child = _people.MoveFaces(Photos(look, "2016-05-01", "2017-05-01", "2018-05-01"), null);
        long parent = _people.MoveFaces(Photos(look, "1990-05-01", "1991-05-01", "1992-05-01"), null);
        Assert.Contains(_people.Suggest(), s => new[] { s.First.Id, s.Second.Id }.Order().SequenceEqual(new[] { child, parent }.Order()));

        // When: the child's birth day is said
        _people.SetBirth(child, Born);

        // Then: the pair is no longer suggested, whichever of the two is first
        Assert.DoesNotContain(_people.Suggest(), s => s.First.Id == child || s.Second.Id == child);
    }

    [Fact]
    public void Should_NotOfferThePerson_When_AReviewGroupHoldsAFaceFromBeforeTheirBirth()
    {
        // Given: a child's person and, in no person yet, a group of alike faces, one of 1990
        var look = _s.Direction();
        long child = _people.MoveFaces(Photos(look, "2016-05-01", "2017-05-01", "2018-05-01"), null);
        var group = Photos(look, "2019-05-01", "1990-05-01");
        Assert.Contains(new FaceReview(_catalog).Groups(), g => g.Faces.Contains(group[1]) && g.Candidates.Any(c => c.Person.Id == child));

        // When
        _people.SetBirth(child, Born);

        // Then: the group is still reviewed, but she is not offered for it
        var reviewed = Assert.Single(new FaceReview(_catalog).Groups(), g => g.Faces.Contains(group[1]));
        Assert.DoesNotContain(reviewed.Candidates, c => c.Person.Id == child);
    }

    [Fact]
    public void Should_RefuseAMergeOrMove_When_AFaceIsFromBeforeTheBirth()
    {
        // Given: a child born 2015, a parent's person with a photo of 1990, a sibling born 2012, and a person of 2019 with no birth day
        var look = _s.Direction();
        long child = _people.MoveFaces(Photos(look, "2016-05-01", "2017-05-01"), null);
        long parent = _people.MoveFaces(Photos(look, "1990-05-01", "2018-05-01"), null);
        long sibling = _people.MoveFaces(Photos(_s.Direction(), "2013-05-01"), null);
        long later = _people.MoveFaces(Photos(look, "2019-05-01"), null);
        _people.Name(child, "Ann");
        _people.SetBirth(child, Born);
        _people.SetBirth(sibling, new DateOnly(2012, 1, 1));
        var before = _catalog.Faces(false).Select(f => (f.Id, f.PersonId)).ToList();

        // When / Then: merging the parent into the child, or the child into the parent, moving a face, is refused, saying why
        var into = Assert.Throws<InvalidRequestException>(() => _people.Merge(child, [parent]));
        Assert.Contains("taken 1990-05-01, before Ann was born (2015-03-01)", into.Message);
        Assert.Throws<InvalidRequestException>(() => _people.Merge(parent, [child]));
        var move = Assert.Throws<InvalidRequestException>(() => _people.MoveFaces(_catalog.FacesOf(parent), child));
        Assert.Contains("before Ann was born", move.Message);
        var twoBirths = Assert.Throws<InvalidRequestException>(() => _people.Merge(child, [sibling]));
        Assert.Contains("born on different days", twoBirths.Message);
        Assert.Equal(before, _catalog.Faces(false).Select(f => (f.Id, f.PersonId)).ToList());

        // When: a person of later photos, of no known birth, takes the child in. Then: they keep her birth day, until undone
        _people.Merge(later, [child]);
        Assert.Equal(Born, _people.Get(later).Birth);
        _people.Undo();
        Assert.Null(_people.Get(later).Birth);
        Assert.Equal(Born, _people.Get(child).Birth);
    }

    [Fact]
    public void Should_RefuseADrawnFaceAndSkipATag_When_ThePhotoIsFromBeforeTheBirth()
    {
        // Given: a child born 2015 and a photo of 1990 with a face in no person
        var look = _s.Direction();
        long child = _people.MoveFaces(Photos(look, "2016-05-01"), null);
        _people.Name(child, "Ann");
        _people.SetBirth(child, Born);
        long old = Photos(_s.Direction(), "1990-05-01")[0];
        var oldPhoto = _catalog.Faces(false).Single(f => f.Id == old).Photo;
        (long photo, string path) = (oldPhoto.Id, oldPhoto.Path);
        int faces = _catalog.Faces(false).Count();

        // When: a face is drawn on it for her, and a tool's region names its face "Ann"
        var drawn = Assert.Throws<InvalidRequestException>(() => new DrawnFaces(_catalog, new NoAnalyzer()).Add(photo, [60, 60, 30, 30], child));
        var tags = new FaceTagging(_catalog, new NoAnalyzer()).Apply([new TaggedPhoto(path, new TagReading([new FaceTag("Ann", 0.1, 0.1, 0.5, 0.5, "embedded")], []))]);

        // Then: nothing is added or moved; the region is reported, not used
        Assert.Contains("before Ann was born", drawn.Message);
        Assert.Equal(faces, _catalog.Faces(false).Count());
        Assert.Null(PersonOf(old));
        Assert.Equal(0, tags.FacesNamed);
        Assert.Contains(tags.Problems, p => p.Path == path && p.Reason.Contains("before Ann was born (2015-03-01)"));
    }

    [Fact]
    public void Should_GiveThePhotosOfAnAge_When_AskedByAge()
    {
        // Given: a child born 2015-03-01 with photos at 0, 3, 3, 4 and one whose file alone dates it
        var look = _s.Direction();
        long child = _people.MoveFaces(Photos(look, "2015-06-01", "2018-03-01", "2019-02-28", "2019-03-01"), null);
        _people.MoveFaces(Photos(look, DateSource.File, "2018-06-01"), child);
        _people.SetBirth(child, Born);
        var browser = new PhotoBrowser(_catalog);
        List<string?> Taken(PhotoQuery q) => browser.Photos(q, new PageRequest(0, 50)).Photos.Select(p => p.Photo.Taken?.Text[..10]).ToList();

        // When / Then: at three, the two photos from the third birthday to the day before the fourth
        Assert.Equal(["2019-02-28", "2018-03-01"], Taken(browser.AtAges(new PhotoQuery([child]), 3, 3)));
        Assert.Equal(["2019-03-01", "2019-02-28", "2018-03-01"], Taken(browser.AtAges(new PhotoQuery([child]), 3, null)));
        Assert.Equal(["2015-06-01"], Taken(browser.AtAges(new PhotoQuery([child]), null, 0)));
        // within a span asked for too; no age, the query as it was
        Assert.Equal(["2019-02-28"], Taken(browser.AtAges(new PhotoQuery([child], new DateOnly(2019, 1, 1)), 3, 3)));
        var asked = new PhotoQuery([child]);
        Assert.Same(asked, browser.AtAges(asked, null, null));

        // And what cannot be answered is refused, saying why
        Assert.Throws<InvalidRequestException>(() => browser.AtAges(new PhotoQuery([child]), 4, 3));
        Assert.Throws<InvalidRequestException>(() => browser.AtAges(new PhotoQuery([]), 3, 3));
        Assert.Throws<InvalidRequestException>(() => browser.AtAges(new PhotoQuery([child], new DateOnly(2021, 1, 1)), 3, 3));
        _people.SetBirth(child, null);
        Assert.Contains("no birth day", Assert.Throws<InvalidRequestException>(() => browser.AtAges(new PhotoQuery([child]), 3, 3)).Message);
    }

    /// <summary>An analyser the rule must refuse before calling: a call fails the test.</summary>
    sealed class NoAnalyzer : IFaceAnalyzer
    {
        public void Prepare() { }
        public PhotoAnalysis Analyze(ReadOnlySpan<byte> photo, StageClock? clock = null) => throw new InvalidOperationException("not to be called");
        public (int Width, int Height, FaceObservation Face) FaceAt(ReadOnlySpan<byte> photo, FaceBox box) => throw new InvalidOperationException("not to be called");
        public void Dispose() { }
    }
}
