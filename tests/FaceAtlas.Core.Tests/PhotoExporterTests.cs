using FaceAtlas.Core.Export;

namespace FaceAtlas.Core.Tests;

/// <summary>The exporter on real files in a temp folder.</summary>
public sealed class PhotoExporterTests : IDisposable
{
    readonly TempFolder _temp = new();

    string Photo(string folder, string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_temp.Path, "photos", folder)).FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, $"photo {folder}/{name}");
        return path;
    }

    string Destination => Path.Combine(_temp.Path, "export");

    [Fact]
    public void Should_KeepEverything_When_RerunWithPhotosOfTheSameName()
    {
        // Given: one person's two photos called img1.jpg, from two folders
        var photos = new[] { Photo("a", "img1.jpg"), Photo("b", "img1.jpg") };
        var groups = new List<ExportGroup> { new("Ada", photos) };
        var first = new PhotoExporter(Destination, ExportMode.Copy).Run(groups);

        // When: the same export again, as a new process would do it
        var second = new PhotoExporter(Destination, ExportMode.Copy).Run(groups);

        // Then: both entries are found again under the same names; the second name is fixed by the path alone
        // (so another process, with other string hash seeds, finds it too)
        Assert.Equal(2, first.Added);
        Assert.Equal((0, 2, 0), (second.Added, second.Kept, second.Removed));
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(photos[1])))[..8];
        Assert.Equal(["img1-" + suffix + ".jpg", "img1.jpg"], Directory.GetFiles(Path.Combine(Destination, "Ada")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Should_RemoveOnlyFoldersItEmptied_When_APersonGoes()
    {
        // Given: an export of two people, and a folder of the user's own, empty, in the destination
        var ada = Photo("a", "ada.jpg");
        var bea = Photo("b", "bea.jpg");
        new PhotoExporter(Destination, ExportMode.Copy).Run([new("Ada", [ada]), new("Bea", [bea])]);
        var mine = Directory.CreateDirectory(Path.Combine(Destination, "my empty folder")).FullName;

        // When: Bea is no longer exported
        var summary = new PhotoExporter(Destination, ExportMode.Copy).Run([new("Ada", [ada])]);

        // Then: Bea's folder went with its photo; the user's folder stayed
        Assert.Equal(1, summary.Removed);
        Assert.False(Directory.Exists(Path.Combine(Destination, "Bea")));
        Assert.True(Directory.Exists(mine));
        Assert.True(File.Exists(Path.Combine(Destination, "Ada", "ada.jpg")));
    }

    [Fact]
    public void Should_MakeCopiesOfTheHardLinks_When_RerunAskingForCopies()
    {
        // Given: an export of hard links (the default), which share their bytes with the originals
        var photos = new[] { Photo("a", "1.jpg"), Photo("a", "2.jpg") };
        var groups = new List<ExportGroup> { new("Ada", photos) };
        new PhotoExporter(Destination, ExportMode.HardLink).Run(groups);

        // When: the user asks for copies, to edit them
        var summary = new PhotoExporter(Destination, ExportMode.Copy).Run(groups);

        // Then: each entry is made again as a copy, which a further run keeps, and editing one leaves the original as it was
        Assert.Equal((0, 0, 0, 2), (summary.Added, summary.Kept, summary.Removed, summary.Remade));
        var again = new PhotoExporter(Destination, ExportMode.Copy).Run(groups);
        Assert.Equal((0, 2, 0), (again.Added, again.Kept, again.Remade));
        File.AppendAllText(Path.Combine(Destination, "Ada", "1.jpg"), " edited");
        Assert.Equal("photo a/1.jpg", File.ReadAllText(photos[0]));
    }

    [Fact]
    public void Should_MakeHardLinksOfTheSymbolicLinks_When_RerunAskingForHardLinks()
    {
        var photos = new[] { Photo("a", "1.jpg") };
        var groups = new List<ExportGroup> { new("Ada", photos) };
        new PhotoExporter(Destination, ExportMode.Symlink).Run(groups);
        var exported = Path.Combine(Destination, "Ada", "1.jpg");
        Assert.NotNull(new FileInfo(exported).LinkTarget);

        var summary = new PhotoExporter(Destination, ExportMode.HardLink).Run(groups);

        Assert.Equal(1, summary.Remade);
        Assert.Null(new FileInfo(exported).LinkTarget); // a file now, not a link that breaks when the original moves
        Assert.Equal("photo a/1.jpg", File.ReadAllText(exported));
    }

    [Fact]
    public void Should_KeepCopies_When_RerunAskingForHardLinks()
    {
        // A copy is what a hard link falls back to across file systems; making it again would fail the same way each run
        var groups = new List<ExportGroup> { new("Ada", [Photo("a", "1.jpg"), Photo("a", "2.jpg")]) };
        new PhotoExporter(Destination, ExportMode.Copy).Run(groups);

        var summary = new PhotoExporter(Destination, ExportMode.HardLink).Run(groups);

        Assert.Equal((0, 2, 0, 0), (summary.Added, summary.Kept, summary.Removed, summary.Remade));
    }

    [Fact]
    public void Should_NotExportItsOwnEntries_When_TheCatalogHoldsThemAsPhotos()
    {
        // Given: an export, whose entry a catalog made before `index` left exports out took for a photo
        var ada = Photo("a", "ada.jpg");
        new PhotoExporter(Destination, ExportMode.HardLink).Run([new("Ada", [ada])]);
        var entry = Path.Combine(Destination, "Ada", "ada.jpg");

        // When: the export runs with that entry among Ada's photos
        var summary = new PhotoExporter(Destination, ExportMode.HardLink).Run([new("Ada", [ada, entry])]);

        // Then: the entry is said to be inside the export and left as it is; nothing is made of it
        Assert.Equal((0, 1, 0), (summary.Added, summary.Kept, summary.Removed));
        Assert.Contains(summary.Problems, p => p.StartsWith(entry) && p.Contains("inside this export"));
        Assert.Equal(["ada.jpg"], Directory.GetFiles(Path.Combine(Destination, "Ada")).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_ExportTheOriginals_When_TheDestinationIsTheirOwnFolder()
    {
        // Given: photos in a folder, exported into that very folder (person folders beside them)
        var photos = new[] { Photo("all", "1.jpg"), Photo("all", "2.jpg") };
        var folder = Path.GetDirectoryName(photos[0])!;

        // When: exported twice
        var first = new PhotoExporter(folder, ExportMode.HardLink).Run([new("Ada", photos)]);
        var second = new PhotoExporter(folder, ExportMode.HardLink).Run([new("Ada", photos)]);

        // Then: the originals beside the export are photos like any other, exported once and then kept
        Assert.Equal((2, 0), (first.Added, first.Problems.Count));
        Assert.Equal((0, 2, 0), (second.Added, second.Kept, second.Problems.Count));
        Assert.Equal(["1.jpg", "2.jpg"], Directory.GetFiles(Path.Combine(folder, "Ada")).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("not json at all {")]
    [InlineData("{\"Ada/ada.jpg\": null}")]
    public void Should_ChangeNothingAndSayWhy_When_TheManifestIsDamaged(string manifest)
    {
        // Given: an export whose manifest was damaged since
        var ada = Photo("a", "ada.jpg");
        new PhotoExporter(Destination, ExportMode.Copy).Run([new("Ada", [ada])]);
        File.WriteAllText(Path.Combine(Destination, PhotoExporter.ManifestName), manifest);

        // When: exported again without Ada (her entry would go)
        var error = Assert.Throws<InvalidDataException>(() => new PhotoExporter(Destination, ExportMode.Copy).Run([]));

        // Then: a clear reason, and the entry it can no longer prove its own is still there
        Assert.Contains("damaged", error.Message);
        Assert.True(File.Exists(Path.Combine(Destination, "Ada", "ada.jpg")));
    }

    [Fact]
    public void Should_NeverTouchAFileOutsideTheExport_When_TheManifestNamesOne()
    {
        // Given: a manifest naming a file outside the export (crafted, or copied from elsewhere), as if it were an
        // entry no longer wanted, with the right size to pass for one
        var outside = Photo("mine", "keep.jpg");
        Directory.CreateDirectory(Destination);
        var entry = new { Source = "/nowhere.jpg", Mode = 1, Size = new FileInfo(outside).Length };
        foreach (var name in new[] { Path.GetRelativePath(Destination, outside), outside })
        {
            File.WriteAllText(Path.Combine(Destination, PhotoExporter.ManifestName),
                System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { [name] = entry }));

            Assert.Throws<InvalidDataException>(() => new PhotoExporter(Destination, ExportMode.Copy).Run([]));
            Assert.True(File.Exists(outside), name);
        }
    }

    public void Dispose() => _temp.Dispose();
}
