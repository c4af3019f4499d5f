using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Tests;

public sealed class AnalyzerFixture : IDisposable
{
    public FaceAnalyzer Analyzer { get; } = new();
    public void Dispose() => Analyzer.Dispose();
}

/// <summary>The indexer against a real SQLite file and real photos (copied into a temp folder the test owns).</summary>
public sealed class IndexerTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>, IDisposable
{
    readonly TempFolder _temp = new();

    string Photos => Path.Combine(_temp.Path, "photos");
    string CatalogFile => Path.Combine(_temp.Path, "catalog.db");

    void CopyPhotos(params string[] relative)
    {
        Directory.CreateDirectory(Photos);
        foreach (var r in relative)
        {
            var target = Path.Combine(Photos, r.Replace('/', '_'));
            File.Copy(Datasets.At(r.Split('/')), target);
        }
    }

    async Task<IndexSummary> IndexAsync(params string[] roots)
    {
        using var catalog = SqliteCatalog.Open(CatalogFile);
        return await new PhotoIndexer(catalog, fixture.Analyzer, new IndexOptions { Threads = 2, BatchSize = 3 })
            .RunAsync(roots.Length == 0 ? [Photos] : roots);
    }

    List<FaceRecord> Faces()
    {
        using var catalog = SqliteCatalog.Open(CatalogFile, create: false);
        return catalog.Faces(withEmbeddings: true).ToList();
    }

    [DatasetFact]
    public async Task Should_StoreEveryFaceWithEmbedding_When_IndexingAFolder()
    {
        // Given
        CopyPhotos("group-photos/faceapi_bbt4.jpg", "lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "deepface-tests/person_03/img47.jpg");

        // When
        var summary = await IndexAsync();

        // Then
        Assert.Equal(3, summary.PhotosAnalysed);
        Assert.Empty(summary.Failed);
        var faces = Faces();
        Assert.Equal(summary.FacesFound, faces.Count);
        Assert.Equal(6, faces.Count(f => f.Photo.Path.EndsWith("faceapi_bbt4.jpg")));
        Assert.All(faces, f => Assert.Equal(1.0, Math.Sqrt(f.Embedding!.Sum(v => (double)v * v)), 3));
        Assert.All(faces, f => Assert.Null(f.PersonId));
    }

    [DatasetFact]
    public async Task Should_AnalyseOnlyWhatChanged_When_RunAgain()
    {
        // Given: an indexed folder
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0002.jpg",
            "lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg");
        await IndexAsync();
        var before = Faces();

        // When: nothing changed
        var unchanged = await IndexAsync();

        // Then
        Assert.Equal(0, unchanged.PhotosAnalysed);
        Assert.Equal(3, unchanged.PhotosUnchanged);
        Assert.Equal(before.Select(f => f.Id), Faces().Select(f => f.Id));

        // When: one file is touched (same content), one replaced by another photo, one deleted, one added
        var files = Directory.GetFiles(Photos).Order().ToArray();
        File.SetLastWriteTimeUtc(files[0], DateTime.UtcNow.AddMinutes(-5));
        File.Copy(Datasets.At("lfw-dev", "Aaron_Sorkin", "Aaron_Sorkin_0002.jpg"), files[1], overwrite: true);
        File.Delete(files[2]);
        File.Copy(Datasets.At("lfw-dev", "Abbas_Kiarostami", "Abbas_Kiarostami_0001.jpg"), Path.Combine(Photos, "new.jpg"));
        var second = await IndexAsync();

        // Then
        Assert.Equal(2, second.PhotosAnalysed);     // the replaced one and the new one
        Assert.Equal(1, second.PhotosUnchanged);    // touched, same content by hash
        Assert.Equal(1, second.PhotosRemoved);
        var after = Faces();
        Assert.DoesNotContain(after, f => f.Photo.Path == files[2]);
        Assert.Equal(before.Where(f => f.Photo.Path == files[0]).Select(f => f.Id), after.Where(f => f.Photo.Path == files[0]).Select(f => f.Id));
        Assert.Single(after.Select(f => f.Photo.Path).Where(p => p == files[1]).Distinct());
    }

    [DatasetFact]
    public async Task Should_LeaveAnExportOut_When_ItLiesInsideTheIndexedFolder()
    {
        // Given: an indexed folder, and an export of its photos into a folder inside it (hard links, the default)
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0002.jpg");
        await IndexAsync();
        var before = Faces();
        var export = Path.Combine(Photos, "People");
        new Export.PhotoExporter(export, Export.ExportMode.HardLink).Run([new("Aaron", Directory.GetFiles(Photos))]);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(export, "Aaron")).Length);

        // When: the folder is indexed again
        var again = await IndexAsync();

        // Then: the export's links are not photos: nothing new, the same faces, the export said to be left out
        Assert.Equal((0, 0, 2), (again.PhotosAnalysed, again.PhotosRemoved, again.PhotosSeen));
        Assert.Empty(again.Failed);
        Assert.Equal(before.Select(f => f.Id), Faces().Select(f => f.Id));
        var leftOut = Assert.Single(again.LeftOut);
        Assert.Equal(export, leftOut.Path);
        Assert.Contains("export: 2 of its files", leftOut.Reason);

        // And when a folder inside the export is named as a root of its own: nothing there is a photo either
        var inside = await IndexAsync(Path.Combine(export, "Aaron"));
        Assert.Equal((0, 0), (inside.PhotosSeen, inside.PhotosAnalysed));
        Assert.Equal(export, Assert.Single(inside.LeftOut).Path);
    }

    [DatasetTheory]
    [InlineData(true)]   // first through the link (~/Pictures, a link), then where the photos are (/data/Pictures)
    [InlineData(false)]  // the other way round
    public async Task Should_IndexAPhotoOnce_When_ItsFolderIsReachedThroughALinkToo(bool linkFirst)
    {
        // Given: a photo folder, a link to it, and a copy of one photo elsewhere (another file with the same bytes and time)
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0002.jpg");
        var link = Path.Combine(_temp.Path, "link");
        Directory.CreateSymbolicLink(link, Photos);
        var copies = Path.Combine(_temp.Path, "copies");
        Directory.CreateDirectory(copies);
        var original = Directory.GetFiles(Photos).Order(StringComparer.Ordinal).First();
        var copy = Path.Combine(copies, Path.GetFileName(original));
        File.Copy(original, copy);
        File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(original));
        var (first, second) = linkFirst ? (link, Photos) : (Photos, link);
        var indexed = await IndexAsync(first);
        var before = Faces();

        // When
        var again = await IndexAsync(second);
        var copied = await IndexAsync(copies);

        // Then: the second path to the same files analyses nothing and says where they are indexed; the copy is a photo
        Assert.Equal(2, indexed.PhotosAnalysed);
        Assert.Equal((2, 0, 0), (again.PhotosSeen, again.PhotosAnalysed, again.PhotosRemoved));
        var leftOut = Assert.Single(again.LeftOut);
        Assert.Equal(second, leftOut.Path);
        Assert.Contains(first, leftOut.Reason);
        Assert.Equal(1, copied.PhotosAnalysed);
        Assert.Empty(copied.LeftOut);
        var after = Faces();
        Assert.Equal(before.Select(f => f.Id), after.Where(f => !f.Photo.Path.StartsWith(copies, StringComparison.Ordinal)).Select(f => f.Id));
        Assert.All(after, f => Assert.False(f.Photo.Path.StartsWith(second + "/", StringComparison.Ordinal), $"{f.Photo.Path} indexed twice"));
    }

    [DatasetFact]
    public async Task Should_IndexTheUsersOwnPhotos_When_AnExportWasMadeIntoTheirFolder()
    {
        // Given: an export made straight into the photo folder (person folders beside the user's photos)
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0002.jpg");
        await IndexAsync();
        var before = Faces();
        new Export.PhotoExporter(Photos, Export.ExportMode.HardLink).Run([new("Aaron", Directory.GetFiles(Photos))]);

        // When
        var again = await IndexAsync();

        // Then: only the export's own files are left out; the user's photos stay photos (none forgotten)
        Assert.Equal((0, 0, 2), (again.PhotosAnalysed, again.PhotosRemoved, again.PhotosSeen));
        Assert.Equal(before.Select(f => f.Id), Faces().Select(f => f.Id));
    }

    [DatasetFact]
    public async Task Should_ForgetPhotosIndexedInsideAnExport_When_IndexedAgain()
    {
        // Given: a catalog that indexed an export's links as photos (what a version before this rule did; done here
        // by hiding the export's manifest while indexing)
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg");
        var original = Directory.GetFiles(Photos).Single();
        var export = Path.Combine(Photos, "People");
        new Export.PhotoExporter(export, Export.ExportMode.Copy).Run([new("Aaron", [original])]);
        var manifest = Path.Combine(export, Export.PhotoExporter.ManifestName);
        File.Move(manifest, manifest + ".hidden");
        await IndexAsync();
        Assert.Equal(2, Faces().Select(f => f.Photo.Path).Distinct().Count());
        File.Move(manifest + ".hidden", manifest);

        // When
        var again = await IndexAsync();

        // Then: the copy inside the export is forgotten, the original stays
        Assert.Equal(1, again.PhotosRemoved);
        Assert.Equal([original], Faces().Select(f => f.Photo.Path).Distinct());
    }

    [DatasetFact]
    public async Task Should_LeaveTheThumbnailsOut_When_TheCatalogLivesAmongThePhotos()
    {
        // Given: a folder holding both the photos and the catalog, whose thumbnails are made beside it
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "deepface-tests/person_03/img47.jpg");
        await IndexAsync(_temp.Path);
        var before = Faces();
        var cache = Thumbnails.ThumbnailCache.Beside(CatalogFile, new(new PictureRenderer()));
        Assert.All(before, f => Assert.NotNull(cache.PathFor(f)));

        // When: the folder is indexed again
        var again = await IndexAsync(_temp.Path);

        // Then: the thumbnails are no photos (the cache folder is tagged and left out, with the reason)
        Assert.Equal((0, 2), (again.PhotosAnalysed, again.PhotosSeen));
        Assert.Equal(before.Select(f => f.Id), Faces().Select(f => f.Id));
        var leftOut = Assert.Single(again.LeftOut);
        Assert.Equal(cache.Folder, leftOut.Path);
        Assert.Contains("cache", leftOut.Reason);
    }

    [Fact]
    public void Should_ScanAFolderOnce_When_OneRootIsInsideAnotherThroughALink()
    {
        // Given: photos in data/2024, a link to data, and both the link and data/2024 named as roots of one run
        var data = Directory.CreateDirectory(Path.Combine(_temp.Path, "data", "2024")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(data, "2024", "a.jpg"), [0xFF, 0xD8, 0xFF]);
        var link = Path.Combine(_temp.Path, "link");
        Directory.CreateSymbolicLink(link, data);

        var scan = PhotoScanner.Scan([link, Path.Combine(data, "2024")]);

        // Then: the photo once, under the path met first, and the second root said to be scanned already
        Assert.Equal([Path.Combine(link, "2024", "a.jpg")], scan.Photos.Select(p => p.Path));
        Assert.Contains(scan.Problems, p => p.Path == Path.Combine(data, "2024") && p.Reason.Contains("already scanned"));
    }

    [Fact]
    public void Should_EnterAFolder_When_ItsCacheTagLacksTheSignature()
    {
        // The specification asks for the signature, not only the name: a file that merely has the name is no tag
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "tagged")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.jpg"), [0xFF, 0xD8, 0xFF]);
        File.WriteAllText(Path.Combine(folder, Thumbnails.CacheTag.FileName), "my notes about these photos");

        var scan = PhotoScanner.Scan([folder]);

        Assert.Equal([Path.Combine(folder, "a.jpg")], scan.Photos.Select(p => p.Path));
        Assert.Empty(scan.LeftOut);
        Assert.False(Thumbnails.CacheTag.IsTag(Path.Combine(folder, Thumbnails.CacheTag.FileName)));
    }

    [DatasetFact]
    public async Task Should_ReportAndSkipEveryBadInput_When_FolderHoldsThem()
    {
        // Given: one good photo among every kind of bad input, a broken link and a symbolic link loop
        CopyPhotos("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg");
        var expected = TestPhotos.WriteBadInputs(Photos, Datasets.At("group-photos", "deepface_couple.jpg"));
        File.CreateSymbolicLink(Path.Combine(Photos, "broken-link.jpg"), Path.Combine(_temp.Path, "nowhere.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(Photos, "loop"), Photos);
        expected["broken-link.jpg"] = "broken symbolic link";
        expected["loop"] = "symbolic link loop";
        var unreadable = Path.Combine(Photos, "unreadable.jpg");
        File.Copy(Datasets.At("lfw-dev", "Aaron_Sorkin", "Aaron_Sorkin_0001.jpg"), unreadable);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(unreadable, UnixFileMode.None);
        bool root = Environment.UserName == "root"; // root reads a file whatever its mode
        if (!root) expected["unreadable.jpg"] = "cannot read";
        var originals = Directory.GetFiles(Photos).Where(f => !f.EndsWith("broken-link.jpg"))
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

        // When
        var summary = await IndexAsync();

        // Then: each reported with its path and a specific reason; the good photo indexed; the run completed
        foreach (var (name, reason) in expected)
        {
            var problem = summary.Failed.SingleOrDefault(p => Path.GetFileName(p.Path) == name);
            Assert.True(problem.Path is not null, $"{name} not reported; reported: {string.Join("; ", summary.Failed)}");
            Assert.Contains(reason, problem.Reason);
        }
        Assert.Contains(Faces(), f => f.Photo.Path.EndsWith("Aaron_Peirsol_0001.jpg"));
        // Originals untouched
        foreach (var (file, hash) in originals)
            Assert.Equal(hash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))));
        // Bad files are remembered and not retried while unchanged
        var again = await IndexAsync();
        Assert.Equal(0, again.PhotosAnalysed);
    }

    [DatasetFact]
    public async Task Should_StoreBoxesInUprightPixels_When_PhotoHasExifRotation()
    {
        // Given: a photo, and a copy stored sideways with EXIF orientation 6
        Directory.CreateDirectory(Photos);
        using var upright = TestPhotos.DecodeRgba(Datasets.At("group-photos", "faceapi_bbt4.jpg"));
        File.WriteAllBytes(Path.Combine(Photos, "upright.jpg"), TestPhotos.Jpeg(upright, 95));
        using var stored = TestPhotos.StoreForOrientation(upright, 6);
        File.WriteAllBytes(Path.Combine(Photos, "rotated.jpg"), TestPhotos.Jpeg(stored, 95, exifOrientation: 6));

        // When
        await IndexAsync();

        // Then: the same faces at the same upright places, with the same identities
        var faces = Faces();
        var a = faces.Where(f => f.Photo.Path.EndsWith("upright.jpg")).ToList();
        var b = faces.Where(f => f.Photo.Path.EndsWith("rotated.jpg")).ToList();
        Assert.Equal(6, a.Count);
        Assert.Equal(a.Count, b.Count);
        Assert.All(b, f => Assert.Equal((upright.Width, upright.Height), (f.Photo.Width, f.Photo.Height)));
        foreach (var face in a)
        {
            var twin = b.MaxBy(o => o.Box.IoU(face.Box))!;
            Assert.True(twin.Box.IoU(face.Box) > 0.6, $"box {face.Box} vs {twin.Box}");
            Assert.True(FaceEmbedder.Similarity(face.Embedding!, twin.Embedding!) > 0.85);
        }
    }

    public void Dispose() => _temp.Dispose();
}
