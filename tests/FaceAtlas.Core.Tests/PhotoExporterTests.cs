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

    public void Dispose() => _temp.Dispose();
}
