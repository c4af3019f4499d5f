using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Thumbnails;
using FaceAtlas.Vision;

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

        var cache = ThumbnailCache.Beside(catalog, new(new PictureRenderer()));

        Assert.True(CacheTag.IsTag(Path.Combine(cache.Folder, CacheTag.FileName)));
    }

    [Fact]
    public void Should_StillOpen_When_TheTagCannotBeWritten()
    {
        // Given: a cache where the tag cannot be written (a folder in its place stands in for a read-only cache,
        // which root, running the tests in CI, could write anyway)
        var catalog = Path.Combine(_temp.Path, "c.db");
        Directory.CreateDirectory(Path.Combine(catalog + ".thumbs", CacheTag.FileName));

        var cache = ThumbnailCache.Beside(catalog, new(new PictureRenderer()));

        Assert.Equal(Path.GetFullPath(catalog + ".thumbs"), cache.Folder);
        Assert.Equal([CacheTag.FileName], Directory.GetFileSystemEntries(cache.Folder).Select(Path.GetFileName)); // no temporary file left
    }

    [Fact]
    public void Should_WriteWhole_When_ManyThreadsWriteOneFileAtOnce()
    {
        // Given: one file (as the cache tag of a new cache, or one face's thumbnail) written by 8 threads at once
        // (threads of their own: the thread pool of a 2-core machine would run two at a time), each its own content
        var path = Path.Combine(_temp.Path, "shared.bin");
        var contents = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 16 * 1024).ToArray()).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(8);

        // When: each writes it 100 times
        var threads = contents.Select(content => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 100; i++)
                try { WholeFile.Write(path, content); }
                catch (Exception e) { failures.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // Then: no write failed, the file is one writer's content whole, and nothing else is left beside it
        Assert.Empty(failures);
        var written = File.ReadAllBytes(path);
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(written));
        Assert.Equal(["shared.bin"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_RenderOnce_When_TenPagesAskForOneThumbnailAtOnce()
    {
        // Given: a face of a real photo, not cached yet
        var photo = Path.Combine(_temp.Path, "photo.png");
        File.WriteAllBytes(photo, TestPhotos.Png(1200, 900));
        var face = new FaceRecord(7, new PhotoRef(1, photo, 1200, 900), new FaceBox(400, 300, 200, 200), 0.99f,
            new FivePoints(new(450, 350), new(550, 350), new(500, 400), new(460, 450), new(540, 450)), null, null);
        var cache = ThumbnailCache.Beside(Path.Combine(_temp.Path, "c.db"), new(new PictureRenderer()));
        using var start = new Barrier(10);

        // When: ten threads (ten pages' requests) ask for it at the same moment
        var paths = new string?[10];
        var threads = Enumerable.Range(0, 10).Select(i => new Thread(() => { start.SignalAndWait(); paths[i] = cache.PathFor(face); })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // Then: one rendering, one file, every caller given it
        Assert.Equal(1, cache.Rendered);
        Assert.All(paths, p => Assert.Equal(paths[0], p));
        Assert.True(File.Exists(paths[0]));
        Assert.Single(Directory.GetFiles(cache.Folder, "face-*.jpg"));
    }

    public void Dispose() => _temp.Dispose();
}
