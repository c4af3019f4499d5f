using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>Search by a query photo, end to end on real photos.</summary>
public sealed class SearchCommandTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    List<JsonElement> Search(params string[] args) => Cli.JsonLines(["search", .. args, "--catalog", Catalog, "--format", "jsonl"]);

    [DatasetFact]
    public void Should_FindThatPersonsOtherPhotosFirst_When_QueryingWithOneOfThem()
    {
        // Given
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var folder = Datasets.At("deepface-tests", "person_02");
        var photos = Directory.GetFiles(folder);

        // When
        var hits = Search(photos[0]);

        // Then: the person's photos come first, with the documented fields
        var top = hits.Take(photos.Length).Select(h => Path.GetDirectoryName(h.GetProperty("file").GetString())).ToList();
        Assert.All(top, d => Assert.Equal(folder, d));
        Assert.All(hits, h => Assert.True(h.TryGetProperty("face", out _) && h.TryGetProperty("box", out _) && h.TryGetProperty("person", out _)));
        Assert.True(hits[0].GetProperty("similarity").GetDouble() > 0.99); // the query photo itself
    }

    [DatasetTheory]
    [InlineData("sheldon", "bbt1.jpg", 3)]   // raj; leonard; howard; sheldon (left to right)
    [InlineData("raj", "bbt1.jpg", 0)]
    [InlineData("penny", "bbt3.jpg", 2)]     // sheldon; howard; penny; raj; leonard
    public void Should_FindThePersonInGroupPhotos_When_QueryingWithAGreyCrop(string person, string group, int fromLeft)
    {
        // Given: the group photos, indexed
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "group"), "--catalog", Catalog]).Exit);
        var crop = Directory.GetFiles(Datasets.At("bbt", "identities", person)).Order().First();

        // When
        var hit = Search(crop).Single(h => h.GetProperty("file").GetString()!.EndsWith(group));

        // Then: the face found is the person's place in the photo, counted from the left
        var faces = Cli.JsonLines(["faces", "--catalog", Catalog, "--format", "jsonl"]).Where(f => f.GetProperty("file").GetString()!.EndsWith(group))
            .OrderBy(f => f.GetProperty("box")[0].GetDouble()).ToList();
        Assert.Equal(faces[fromLeft].GetProperty("face").GetInt64(), hit.GetProperty("face").GetInt64());
    }

    [DatasetFact]
    public void Should_SayWhy_When_QueryCannotBeUsed()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "group"), "--catalog", Catalog]).Exit);
        var blank = _temp.File("blank.png");
        File.WriteAllBytes(blank, TestPhotos.Png(300, 200));
        var corrupt = _temp.File("corrupt.jpg");
        File.WriteAllText(corrupt, "not a photo");

        var noFace = Cli.Run(["search", blank, "--catalog", Catalog]);
        var broken = Cli.Run(["search", corrupt, "--catalog", Catalog]);
        var both = Cli.Run(["search", blank, "--person", "1", "--catalog", Catalog]);

        Assert.Equal(1, noFace.Exit);
        Assert.Contains("no face found in the query photo", noFace.Err);
        Assert.Equal(1, broken.Exit);
        Assert.Contains("not an image", broken.Err);
        Assert.Equal(2, both.Exit);
    }

    [DatasetFact]
    public void Should_SayTheCatalogIsEmpty_When_NothingIsIndexed()
    {
        var empty = Directory.CreateDirectory(_temp.File("empty")).FullName;
        Assert.Equal(0, Cli.Run(["index", empty, "--catalog", Catalog]).Exit);

        var (exit, _, err) = Cli.Run(["search", Datasets.At("bbt", "identities", "raj", Directory.GetFiles(Datasets.At("bbt", "identities", "raj")).Select(Path.GetFileName).First()!), "--catalog", Catalog]);

        Assert.Equal(1, exit);
        Assert.Contains("no faces yet", err);
    }

    public void Dispose() => _temp.Dispose();
}
