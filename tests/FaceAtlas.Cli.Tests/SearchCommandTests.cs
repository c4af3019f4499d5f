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
        var empty = Cli.Run(["search", "", "--catalog", Catalog]);

        Assert.Equal(1, noFace.Exit);
        Assert.Contains("no face found in the query photo", noFace.Err);
        Assert.Equal(1, broken.Exit);
        Assert.Contains("not an image", broken.Err);
        Assert.Equal(2, both.Exit);
        Assert.Equal(2, empty.Exit);
        Assert.Contains("QUERY_PHOTO: a path is empty", empty.Err);
        Assert.DoesNotContain("   at ", empty.Err); // a message, not a stack trace
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

    [DatasetFact]
    public void Should_AgreeWithExactSearch_When_UsingTheIndex()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var query = Directory.GetFiles(Datasets.At("deepface-tests", "person_04")).Order().First();

        var (exit, output, err) = Cli.Run(["search", query, "--index", "--catalog", Catalog, "--format", "jsonl"]);
        var exact = Search(query, "--exact");

        Assert.Equal(0, exit);
        Assert.Contains("building it over", err);
        Assert.True(File.Exists(Catalog + ".search"));
        var viaIndex = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(exact.Select(h => h.GetProperty("file").GetString()), viaIndex.Select(h => h.GetProperty("file").GetString()));
        Assert.All(exact.Zip(viaIndex), p => Assert.Equal(p.First.GetProperty("similarity").GetDouble(), p.Second.GetProperty("similarity").GetDouble(), 3));
    }

    [DatasetFact]
    public void Should_CatchUpWithTheCatalog_When_PhotosAreAddedOrRemovedAfterTheIndexWasMade()
    {
        // Given: two people indexed, and a search index made for them
        var folder = Directory.CreateDirectory(_temp.File("photos")).FullName;
        void CopyPerson(string person) => Directory.CreateDirectory(Path.Combine(folder, person));
        foreach (var person in new[] { "person_01", "person_02" })
        {
            CopyPerson(person);
            foreach (var f in Directory.GetFiles(Datasets.At("deepface-tests", person))) File.Copy(f, Path.Combine(folder, person, Path.GetFileName(f)));
        }
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog]).Exit);
        var query = Directory.GetFiles(Datasets.At("deepface-tests", "person_06")).Order().First();
        Assert.DoesNotContain(Search(query, "--index"), h => h.GetProperty("file").GetString()!.Contains("person_06"));

        // When: a third person's photos arrive (index keeps the search index in step), then one of them goes
        CopyPerson("person_06");
        var added = Directory.GetFiles(Datasets.At("deepface-tests", "person_06")).Order().ToList();
        foreach (var f in added) File.Copy(f, Path.Combine(folder, "person_06", Path.GetFileName(f)));
        var (exit, output, _) = Cli.Run(["index", folder, "--catalog", Catalog]);
        var found = Search(query, "--index").Select(h => h.GetProperty("file").GetString()).ToList();
        File.Delete(Path.Combine(folder, "person_06", Path.GetFileName(added[^1])));
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog]).Exit);
        var afterDelete = Search(query, "--index").Select(h => h.GetProperty("file").GetString()).ToList();

        // Then
        Assert.Equal(0, exit);
        Assert.Contains("search: the search index is behind the catalog; catching up", output);
        Assert.Equal(added.Count, found.Count(f => f!.Contains("person_06")));
        Assert.Equal(added.Count - 1, afterDelete.Count(f => f!.Contains("person_06")));
        Assert.DoesNotContain(Path.Combine(folder, "person_06", Path.GetFileName(added[^1])), afterDelete);
    }

    [DatasetFact]
    public void Should_NarrowResults_When_FilteringByAttributes()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var query = Directory.GetFiles(Datasets.At("deepface-tests", "person_10")).Order().First();
        var faces = Cli.JsonLines(["faces", "--catalog", Catalog, "--format", "jsonl"]);

        var all = Search(query, "--min-similarity", "0");
        var men = Search(query, "--min-similarity", "0", "--gender", "m");
        var young = Search(query, "--min-similarity", "0", "--age", "-38", "--frontal");
        var nobody = Search(query, "--age", "150-");
        var backwards = Cli.Run(["search", query, "--age", "40-20", "--catalog", Catalog]);
        var badGender = Cli.Run(["search", query, "--gender", "x", "--catalog", Catalog]);

        Assert.All(faces, f => Assert.True(f.TryGetProperty("age", out _) && f.TryGetProperty("gender", out _) && f.TryGetProperty("yaw", out _)
            && f.TryGetProperty("pitch", out _) && f.TryGetProperty("roll", out _) && f.TryGetProperty("quality", out _)));
        Assert.NotEmpty(men);
        Assert.True(men.Count < all.Count);
        Assert.All(men, h => Assert.Equal("m", h.GetProperty("gender").GetString()));
        Assert.NotEmpty(young);
        Assert.All(young, h => Assert.True(h.GetProperty("age").GetDouble() <= 38.05 && Math.Abs(h.GetProperty("yaw").GetDouble()) <= 25));
        Assert.True(young.Count < all.Count);
        Assert.Empty(nobody);
        Assert.Equal(2, backwards.Exit);
        Assert.Contains("--age 40-20", backwards.Err);
        Assert.Equal(2, badGender.Exit);
    }

    public void Dispose() => _temp.Dispose();
}
