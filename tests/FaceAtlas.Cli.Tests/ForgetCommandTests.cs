using System.Runtime.InteropServices;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary><c>faceatlas forget --person</c>: nothing derived from the person's faces is left in any file.</summary>
public sealed class ForgetCommandTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    /// <summary>Every file FaceAtlas keeps for the catalog: the database, its WAL, the thumbnails, the search index, people's averages.</summary>
    List<string> CatalogFiles() =>
        new[] { Catalog, Catalog + "-wal", Catalog + ".search", Catalog + ".centres", Catalog + ".suggestions" }.Where(File.Exists)
            .Concat(Directory.Exists(Catalog + ".thumbs") ? Directory.GetFiles(Catalog + ".thumbs") : []).ToList();

    static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [DatasetFact]
    public void Should_LeaveNoTraceOfThePersonsFaces_When_Forgotten()
    {
        // Given: deepface-tests' person_02, copied so a photo can later change, indexed with thumbnails and a search index
        var folder = Directory.CreateDirectory(_temp.File("photos")).FullName;
        foreach (var f in Directory.GetFiles(Datasets.At("deepface-tests", "person_02")).Concat(Directory.GetFiles(Datasets.At("deepface-tests", "person_04"))))
            File.Copy(f, Path.Combine(folder, Path.GetFileName(Path.GetDirectoryName(f))! + "-" + Path.GetFileName(f)));
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog]).Exit);
        var faces = Cli.JsonLines(["faces", "--with-embedding", "--format", "jsonl", "--catalog", Catalog]);
        var theirs = faces.Where(f => f.GetProperty("file").GetString()!.Contains("person_02-") && f.GetProperty("person").ValueKind == JsonValueKind.Number).ToList();
        long person = theirs.Select(f => f.GetProperty("person").GetInt64()).GroupBy(p => p).MaxBy(g => g.Count())!.Key;
        var forgotten = faces.Where(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("person").GetInt64() == person).ToList();
        // The first 64 bytes of each embedding as stored (float32): what must not be found anywhere afterwards.
        var needles = forgotten.Select(f => MemoryMarshal.AsBytes(f.GetProperty("embedding").EnumerateArray().Take(16)
            .Select(v => v.GetSingle()).ToArray().AsSpan()).ToArray()).ToList();
        Assert.Equal(0, Cli.Run(["people", "list", "--thumbnails", "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["search", "--person", person.ToString(), "--index", "--catalog", Catalog]).Exit);
        // and people's averages and suggestions saved as a server saves them
        using (var opened = Storage.CatalogStores.For(Catalog).Open())
        {
            Core.People.SavedLikeness.Save(Catalog + ".centres", opened.CatalogId, opened.PeopleRevision(), Core.People.PersonCentres.Of(opened));
            Core.People.SavedLikeness.Save(Catalog + ".suggestions", opened.CatalogId, opened.PeopleRevision(), new Core.People.PeopleService(opened).Suggest());
        }
        var before = CatalogFiles().Select(File.ReadAllBytes).ToList();
        Assert.All(needles, n => Assert.Contains(before, file => Contains(file, n))); // the scan can find them

        // When
        var (exit, output, err) = Cli.Run(["forget", "--person", person.ToString(), "--catalog", Catalog]);

        // Then: no file holds an embedding of theirs; their faces, person and thumbnails are gone
        Assert.True(exit == 0, err);
        Assert.Contains($"forgot person {person}: {forgotten.Count} faces", output);
        foreach (var file in CatalogFiles())
        {
            var bytes = File.ReadAllBytes(file);
            Assert.All(needles, n => Assert.False(Contains(bytes, n), $"{file} still holds an embedding of a forgotten face"));
        }
        var left = Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", Catalog]).Select(f => f.GetProperty("face").GetInt64()).ToHashSet();
        Assert.DoesNotContain(forgotten, f => left.Contains(f.GetProperty("face").GetInt64()));
        Assert.DoesNotContain(Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", Catalog]), p => p.GetProperty("person").GetInt64() == person);
        Assert.DoesNotContain(Directory.Exists(Catalog + ".thumbs") ? Directory.GetFiles(Catalog + ".thumbs") : [],
            t => forgotten.Any(f => Path.GetFileName(t).StartsWith($"face-{f.GetProperty("face").GetInt64()}-")));

        // People's averages are removed: the next server makes them from the faces left.
        Assert.Contains(", the saved average faces of people", output);
        Assert.False(File.Exists(Catalog + ".centres") || File.Exists(Catalog + ".suggestions"));

        // The search index was kept and erased in place (not deleted for a rebuild): the next search uses it as it is.
        Assert.Contains(", their entries in the search index", output);
        Assert.True(File.Exists(Catalog + ".search"));
        var next = Cli.Run(["search", "--person", left.Count > 0 ? Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", Catalog])[0].GetProperty("person").GetInt64().ToString() : "1", "--index", "--catalog", Catalog]);
        Assert.Equal(0, next.Exit);
        Assert.DoesNotContain("search index", next.Err); // neither "building it over" nor "catching up"

        // And a photo of theirs that changes and is analysed again does not bring their face back.
        var changed = forgotten[0].GetProperty("file").GetString()!;
        using (var bitmap = TestPhotos.DecodeRgba(changed))
            File.WriteAllBytes(changed, TestPhotos.Jpeg(bitmap, 80));
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog]).Exit);
        Assert.DoesNotContain(Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", Catalog]), f => f.GetProperty("file").GetString() == changed);
        var hits = Cli.JsonLines(["search", changed, "--index", "--format", "jsonl", "--catalog", Catalog]);
        Assert.DoesNotContain(hits, h => h.GetProperty("file").GetString()!.Contains("person_02-"));
    }

    [Fact]
    public void Should_SayWhy_When_ThePersonDoesNotExist()
    {
        var empty = Directory.CreateDirectory(_temp.File("empty")).FullName;
        Assert.Equal(0, Cli.Run(["index", empty, "--catalog", Catalog]).Exit);

        var (exit, _, err) = Cli.Run(["forget", "--person", "42", "--catalog", Catalog]);

        Assert.Equal(1, exit);
        Assert.Contains("no person 42", err);
    }

    public void Dispose() => _temp.Dispose();
}
