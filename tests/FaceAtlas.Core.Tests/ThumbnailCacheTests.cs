using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Core.Tests;

public sealed class ThumbnailCacheTests : IDisposable
{
    readonly TempFolder _temp = new();

    [Fact]
    public void Should_TagAnUntaggedCache_When_Opened()
    {
        // Given: a thumbnail folder made before caches were tagged
        var catalog = Path.Combine(_temp.Path, "c.db");
        Directory.CreateDirectory(catalog + ".thumbs");

        var cache = ThumbnailCache.Beside(catalog);

        Assert.True(CacheTag.IsTag(Path.Combine(cache.Folder, CacheTag.FileName)));
    }

    [Fact]
    public void Should_StillOpen_When_TheTagCannotBeWritten()
    {
        // Given: a cache where the tag cannot be written (a folder in its place stands in for a read-only cache,
        // which root, running the tests in CI, could write anyway)
        var catalog = Path.Combine(_temp.Path, "c.db");
        Directory.CreateDirectory(Path.Combine(catalog + ".thumbs", CacheTag.FileName));

        var cache = ThumbnailCache.Beside(catalog);

        Assert.Equal(Path.GetFullPath(catalog + ".thumbs"), cache.Folder);
        Assert.Equal([CacheTag.FileName], Directory.GetFileSystemEntries(cache.Folder).Select(Path.GetFileName)); // no temporary file left
    }

    public void Dispose() => _temp.Dispose();
}
