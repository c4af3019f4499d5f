using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Tests;

public sealed class CatalogTests : IDisposable
{
    readonly TempFolder _temp = new();

    static PhotoOutcome.Analysed Photo(string path, int faces) => new(
        new PhotoFile(path, 100, 1), [1, 2, 3],
        new PhotoAnalysis(640, 480, "JPEG", Enumerable.Range(0, faces).Select(i => new FaceObservation(
            new FaceBox(10 * i, 20, 30, 30), 0.9f, new FivePoints(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10)),
            Enumerable.Repeat(1 / MathF.Sqrt(512), 512).ToArray())).ToList()));

    [Fact]
    public void Should_ReplaceFacesNotDuplicate_When_SamePhotoIsWrittenTwice()
    {
        using var catalog = SqliteCatalog.Open(_temp.File("c.db"));

        catalog.Commit([Photo("/p/a.jpg", 2)]);
        catalog.Commit([Photo("/p/a.jpg", 3)]);

        Assert.Equal(new CatalogCounts(1, 1, 3, 0), catalog.Counts());
    }

    [Fact]
    public void Should_FindOnlyPhotosUnderTheRoot_When_PathsShareAPrefix()
    {
        using var catalog = SqliteCatalog.Open(_temp.File("c.db"));
        catalog.Commit([Photo("/p/a.jpg", 1), Photo("/p/sub/b.jpg", 1), Photo("/p2/c.jpg", 1), Photo("/p-x/d.jpg", 1)]);

        var under = catalog.PhotosUnder("/p").Select(p => p.Path).Order().ToList();

        Assert.Equal(["/p/a.jpg", "/p/sub/b.jpg"], under);
    }

    [Fact]
    public void Should_RoundTripEmbeddingAndPoints_When_Stored()
    {
        using var catalog = SqliteCatalog.Open(_temp.File("c.db"));
        var photo = Photo("/p/a.jpg", 1);
        catalog.Commit([photo]);

        var face = catalog.Faces(withEmbeddings: true).Single();

        Assert.Equal(photo.Analysis.Faces[0].Embedding, face.Embedding);
        Assert.Equal(photo.Analysis.Faces[0].Points, face.Points);
        Assert.Equal(photo.Analysis.Faces[0].Box, face.Box);
        Assert.Null(catalog.Faces(withEmbeddings: false).Single().Embedding);
    }

    [Fact]
    public void Should_RefuseClearly_When_FileIsNotACatalog()
    {
        File.WriteAllText(_temp.File("notes.db"), "these are my notes, not a database, and they must survive");

        var e = Assert.Throws<InvalidDataException>(() => SqliteCatalog.Open(_temp.File("notes.db")));

        Assert.Contains("not a FaceAtlas catalog", e.Message);
        Assert.Equal("these are my notes, not a database, and they must survive", File.ReadAllText(_temp.File("notes.db")));
    }

    [Fact]
    public void Should_RefuseSecondWriter_When_CatalogIsLocked()
    {
        var path = _temp.File("c.db");
        using var first = CatalogLock.Acquire(path);

        var e = Assert.Throws<CatalogBusyException>(() => CatalogLock.Acquire(path));

        Assert.Contains("another index", e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
