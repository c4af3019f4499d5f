using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>People, end to end: the real program on real photos.</summary>
public sealed class PeopleCommandTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    List<JsonElement> Jsonl(params string[] args) => Cli.JsonLines([.. args, "--catalog", Catalog, "--format", "jsonl"]);

    /// <summary>Person id → the labelled folders (people) its faces come from.</summary>
    Dictionary<long, List<string>> FoldersByPerson() =>
        Jsonl("faces").Where(f => f.GetProperty("person").ValueKind == JsonValueKind.Number)
            .GroupBy(f => f.GetProperty("person").GetInt64())
            .ToDictionary(g => g.Key, g => g.Select(f => Path.GetFileName(Path.GetDirectoryName(f.GetProperty("file").GetString()))!).ToList());

    [DatasetTheory]
    [InlineData("deepface-tests", 12)]
    [InlineData("bbt/identities", 8)]
    public void Should_FindEachPersonOnce_When_IndexingALabelledFolder(string folder, int people)
    {
        // When: index (which clusters at the end)
        var (exit, output, err) = Cli.Run(["index", Datasets.At(folder.Split('/')), "--catalog", Catalog]);

        // Then: one person per labelled folder, each pure
        Assert.True(exit == 0, err);
        Assert.Contains("Clustered", output);
        var byPerson = FoldersByPerson();
        Assert.Equal(people, byPerson.Count);
        Assert.All(byPerson.Values, folders => Assert.Single(folders.Distinct()));
        Assert.Equal(people, byPerson.Values.Select(f => f[0]).Distinct().Count());
    }

    [DatasetFact]
    public void Should_UndoAMergeAndThenAName_When_AskedFromTheHistory()
    {
        // Given: people, one named, then two merged
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var before = Jsonl("people", "list").Select(p => p.GetRawText()).ToList();
        long first = Jsonl("people", "list")[0].GetProperty("person").GetInt64(), second = Jsonl("people", "list")[1].GetProperty("person").GetInt64();
        Assert.Equal(0, Cli.Run(["people", "name", first.ToString(), "Angelina", "--catalog", Catalog]).Exit);
        var named = Jsonl("people", "list").Select(p => p.GetRawText()).ToList();
        Assert.Equal(0, Cli.Run(["people", "merge", first.ToString(), second.ToString(), "--catalog", Catalog]).Exit);

        // When: the history is listed, the name's change asked to be undone first, then the newest, then the next
        var history = Jsonl("history");
        long merge = history[0].GetProperty("change").GetInt64(), name = history[1].GetProperty("change").GetInt64();
        var refused = Cli.Run(["undo", name.ToString(), "--catalog", Catalog]);
        var undoneMerge = Cli.Run(["undo", "--catalog", Catalog]);
        var afterMerge = Jsonl("people", "list").Select(p => p.GetRawText()).ToList();
        var undoneName = Cli.Run(["undo", name.ToString(), "--catalog", Catalog]);
        var nothing = Cli.Run(["undo", "--catalog", Catalog]);

        // Then: listed newest first with their fields; undone newest first; each undo puts the people back as they were
        Assert.Equal(["change", "at", "kind", "summary", "undone"], history[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["merge", "name"], history.Select(c => c.GetProperty("kind").GetString()));
        Assert.StartsWith("Merged ", history[0].GetProperty("summary").GetString());
        Assert.Equal(1, refused.Exit);
        Assert.Contains($"undo \"{history[0].GetProperty("summary").GetString()}\" (change {merge}) first", refused.Err);
        Assert.Equal(0, undoneMerge.Exit);
        Assert.Equal($"undid change {merge}: {history[0].GetProperty("summary").GetString()}", undoneMerge.Out.Trim());
        Assert.Equal(named, afterMerge);
        Assert.Equal(0, undoneName.Exit);
        Assert.Equal(before, Jsonl("people", "list").Select(p => p.GetRawText()).ToList());
        Assert.Equal(1, nothing.Exit);
        Assert.Contains("there is no change to undo", nothing.Err);
        Assert.All(Jsonl("history"), c => Assert.True(c.GetProperty("undone").GetBoolean()));
        Assert.Contains("[undone]", Cli.Run(["history", "--catalog", Catalog]).Out);
    }

    [DatasetFact]
    public void Should_KeepAHandOutOfTheFaces_When_SaidNotAFaceAndThePhotoIsAnalysedAgain()
    {
        // Given: a photo of two people whose crossed arms hold a hand the detector takes for a face (its least sure)
        var photo = _temp.File("two_people.jpg");
        File.Copy(Datasets.At("group-photos", "facerec_two_people.jpg"), photo);
        Assert.Equal(0, Cli.Run(["index", photo, "--catalog", Catalog]).Exit);
        var before = Jsonl("faces");
        Assert.Equal(3, before.Count);
        long hand = before.MinBy(f => f.GetProperty("score").GetDouble()).GetProperty("face").GetInt64();

        // When: said not to be a face
        var marked = Cli.Run(["faces", "not-a-face", hand.ToString(), "--catalog", Catalog]);

        // Then: out of the faces
        Assert.Equal(0, marked.Exit);
        Assert.Contains("1 detection(s) are not faces", marked.Out);
        Assert.Equal(before.Select(f => f.GetProperty("face").GetInt64()).Where(f => f != hand), Jsonl("faces").Select(f => f.GetProperty("face").GetInt64()));

        // When: the file changes (bytes after the picture) and is analysed again. Then: the hand is still no face
        File.AppendAllBytes(photo, new byte[64]);
        var again = Cli.Run(["index", photo, "--catalog", Catalog]);
        Assert.Equal(0, again.Exit);
        Assert.Equal(2, Jsonl("faces").Count);
        Assert.DoesNotContain(Jsonl("faces"), f => f.GetProperty("face").GetInt64() == hand);

        // When: undone. Then: a face again, in no person
        Assert.Equal(0, Cli.Run(["faces", "not-a-face", hand.ToString(), "--undo", "--catalog", Catalog]).Exit);
        var back = Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == hand);
        Assert.Equal(JsonValueKind.Null, back.GetProperty("person").ValueKind);

        // An unknown face: nothing changes, status 1
        var unknown = Cli.Run(["faces", "not-a-face", "99999", "--catalog", Catalog]);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no face 99999", unknown.Err);
        Assert.Equal(3, Jsonl("faces").Count);
    }

    [DatasetFact]
    public void Should_GiveFacesTheirPersonsAge_When_ABirthDayIsSet()
    {
        // Given: people, one with a photo dated by its camera
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var face = Jsonl("faces").First(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("taken_source").GetString() == "exif");
        long person = face.GetProperty("person").GetInt64();
        var taken = DateOnly.Parse(face.GetProperty("taken").GetString()![..10]);

        // When: their birth day is said, asked without a date, and forgotten
        var born = Cli.Run(["people", "birth", person.ToString(), "2010-01-01", "--catalog", Catalog]);
        var aged = Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == face.GetProperty("face").GetInt64());
        var listed = Jsonl("people", "list").Single(p => p.GetProperty("person").GetInt64() == person);
        var neither = Cli.Run(["people", "birth", person.ToString(), "--catalog", Catalog]);
        var unset = Cli.Run(["people", "birth", person.ToString(), "--unset", "--catalog", Catalog]);

        // Then: the face has the age it shows there, the person their birth; without one, neither
        Assert.Equal(0, born.Exit);
        Assert.StartsWith($"person {person} was born 2010-01-01", born.Out);
        Assert.Equal(FaceAtlas.Core.People.PersonAge.At(new DateOnly(2010, 1, 1), taken), aged.GetProperty("person_age").GetDouble());
        Assert.Equal("2010-01-01", listed.GetProperty("birth").GetString());
        Assert.Equal(2, neither.Exit);
        Assert.Equal(0, unset.Exit);
        Assert.Equal(JsonValueKind.Null, Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == face.GetProperty("face").GetInt64()).GetProperty("person_age").ValueKind);
        Assert.Equal(JsonValueKind.Null, Jsonl("people", "list").Single(p => p.GetProperty("person").GetInt64() == person).GetProperty("birth").ValueKind);
    }

    [DatasetFact]
    public void Should_ListPhotosByAgeAndRefuseAnOlderFace_When_ABirthDayIsSet()
    {
        // Given: a person with a photo dated by its camera, born four years (and a little) before it
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var face = Jsonl("faces").First(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("taken_source").GetString() == "exif");
        long person = face.GetProperty("person").GetInt64(), photo = face.GetProperty("photo").GetInt64();
        var taken = DateOnly.Parse(face.GetProperty("taken").GetString()![..10]);
        var birth = taken.AddYears(-4).AddDays(-10);
        Assert.Equal(0, Cli.Run(["people", "name", person.ToString(), "Ann", "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["people", "birth", person.ToString(), $"{birth:yyyy-MM-dd}", "--catalog", Catalog]).Exit);
        string[] Photos(params string[] args) => [.. (string[])["photos", "--person", person.ToString()], .. args];

        // When: their photos at four, at ten and more, at ages that make no span, and by age without a birth day
        var atFour = Jsonl(Photos("--age-from", "4", "--age-to", "4"));
        var atTen = Jsonl(Photos("--age-from", "10"));
        var backwards = Cli.Run([.. Photos("--age-from", "5", "--age-to", "2"), "--catalog", Catalog]);
        var twoPeople = Cli.Run(["photos", "--person", person.ToString(), "--person", person.ToString(), "--age-to", "2", "--catalog", Catalog]);

        // Then: that photo at four, every one listed taken in the year from the fourth birthday; none at ten
        Assert.Contains(atFour, p => p.GetProperty("photo").GetInt64() == photo);
        Assert.All(atFour, p => Assert.InRange(DateOnly.Parse(p.GetProperty("taken").GetString()![..10]), birth.AddYears(4), birth.AddYears(5).AddDays(-1)));
        Assert.Empty(atTen);
        Assert.Equal(1, backwards.Exit);
        Assert.Contains("ages", backwards.Err);
        Assert.Equal(1, twoPeople.Exit);

        // When: the birth day is put after that photo: its face leaves them, and moving it back is refused, saying why
        var later = Cli.Run(["people", "birth", person.ToString(), $"{taken.AddDays(1):yyyy-MM-dd}", "--catalog", Catalog]);
        var move = Cli.Run(["faces", "move", face.GetProperty("face").GetInt64().ToString(), "--to", person.ToString(), "--catalog", Catalog]);

        // Then
        Assert.Equal(0, later.Exit);
        Assert.Contains("left them", later.Out);
        Assert.Equal(1, move.Exit);
        Assert.Contains($"before Ann was born ({taken.AddDays(1):yyyy-MM-dd})", move.Err);
        var now = Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == face.GetProperty("face").GetInt64()).GetProperty("person");
        Assert.False(now.ValueKind == JsonValueKind.Number && now.GetInt64() == person, "the face from before the birth day is still theirs");
    }

    [DatasetFact]
    public void Should_ManagePeople_When_UserNamesMergesMovesAndRejects()
    {
        // Given
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var people = Jsonl("people", "list");
        Assert.All(people, p => Assert.True(p.TryGetProperty("name", out _) && p.TryGetProperty("faces", out _)
            && p.TryGetProperty("photos", out _) && p.TryGetProperty("hidden", out _)));
        long first = people[0].GetProperty("person").GetInt64(), second = people[1].GetProperty("person").GetInt64();
        int firstFaces = people[0].GetProperty("faces").GetInt32(), secondFaces = people[1].GetProperty("faces").GetInt32();

        // When: named, re-clustered from scratch
        Assert.Equal(0, Cli.Run(["people", "name", first.ToString(), "Angelina", "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["cluster", "--full", "--catalog", Catalog]).Exit);

        // Then: the name and faces stay
        var named = Jsonl("people", "list").Single(p => p.GetProperty("person").GetInt64() == first);
        Assert.Equal("Angelina", named.GetProperty("name").GetString());
        Assert.Equal(firstFaces, named.GetProperty("faces").GetInt32());

        // When: merged
        Assert.Equal(0, Cli.Run(["people", "merge", first.ToString(), second.ToString(), "--catalog", Catalog]).Exit);
        var merged = Jsonl("people", "list").Single(p => p.GetProperty("person").GetInt64() == first);
        Assert.Equal(firstFaces + secondFaces, merged.GetProperty("faces").GetInt32());
        Assert.DoesNotContain(Jsonl("people", "list"), p => p.GetProperty("person").GetInt64() == second);

        // When: one face rejected from the merged person, and re-clustering runs
        var face = Jsonl("faces").First(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("person").GetInt64() == first)
            .GetProperty("face").GetInt64();
        Assert.Equal(0, Cli.Run(["faces", "reject", face.ToString(), "--from", first.ToString(), "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["cluster", "--full", "--catalog", Catalog]).Exit);
        var after = Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == face);
        Assert.False(after.GetProperty("person").ValueKind == JsonValueKind.Number && after.GetProperty("person").GetInt64() == first);

        // When: moved back by hand
        Assert.Equal(0, Cli.Run(["faces", "move", face.ToString(), "--to", first.ToString(), "--catalog", Catalog]).Exit);
        Assert.Equal(first, Jsonl("faces").Single(f => f.GetProperty("face").GetInt64() == face).GetProperty("person").GetInt64());
    }

    [DatasetFact]
    public void Should_ListThePhotosOfPeopleTogether_When_AskedForSeveral()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var faces = Jsonl("faces");
        var people = Jsonl("people", "list").Select(p => p.GetProperty("person").GetInt64()).ToList();
        long a = people[0], b = people[1];
        var photoOfA = faces.First(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("person").GetInt64() == a).GetProperty("photo").GetInt64();
        HashSet<long> PhotosOf(long person) => Jsonl("faces").Where(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("person").GetInt64() == person)
            .Select(f => f.GetProperty("photo").GetInt64()).ToHashSet();

        var ofA = Jsonl("photos", "--person", a.ToString());
        var together = Jsonl("photos", "--person", a.ToString(), "--person", b.ToString());
        var all = Jsonl("photos");
        var (exit, output, _) = Cli.Run(["photos", "--person", a.ToString(), "--catalog", Catalog]);
        var late = Jsonl("photos", "--person", a.ToString(), "--from", "2100-01-01");
        var badDay = Cli.Run(["photos", "--from", "yesterday", "--catalog", Catalog]);
        var nobody = Cli.Run(["photos", "--person", "999999", "--catalog", Catalog]);

        Assert.Equal(PhotosOf(a), ofA.Select(p => p.GetProperty("photo").GetInt64()).ToHashSet());
        Assert.Contains(photoOfA, ofA.Select(p => p.GetProperty("photo").GetInt64()));
        foreach (var field in new[] { "photo", "file", "taken", "taken_source", "people", "faces" })
            Assert.True(ofA[0].TryGetProperty(field, out _), field);
        var dated = ofA.Where(p => p.GetProperty("taken_source").GetString() != "file").Select(p => p.GetProperty("taken").GetString()!).ToList();
        Assert.Equal(dated.OrderDescending(StringComparer.Ordinal), dated); // newest first
        Assert.Equal(PhotosOf(a).Intersect(PhotosOf(b)).ToHashSet(), together.Select(p => p.GetProperty("photo").GetInt64()).ToHashSet());
        Assert.Equal(faces.Select(f => f.GetProperty("photo").GetInt64()).Distinct().Count(), all.Count(p => p.GetProperty("faces").GetArrayLength() > 0));
        Assert.Equal(0, exit);
        Assert.Contains($"{ofA.Count} photo", output);
        Assert.Empty(late);
        Assert.Equal(2, badDay.Exit);
        Assert.Contains("yyyy-MM-dd", badDay.Err);
        Assert.Equal(1, nobody.Exit);
        Assert.Contains("no person 999999", nobody.Err);
    }

    [DatasetFact]
    public void Should_NotSuggestAPairAgain_When_UserDismissesIt()
    {
        // Given: suggestions on a catalog of 12 people
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", Catalog]).Exit);
        var suggested = Jsonl("people", "suggest", "--top", "5");
        Assert.NotEmpty(suggested);
        long a = suggested[0].GetProperty("person").GetInt64(), b = suggested[0].GetProperty("other").GetInt64();

        // When
        var (exit, output, _) = Cli.Run(["people", "dismiss", a.ToString(), b.ToString(), "--catalog", Catalog]);
        var same = Cli.Run(["people", "dismiss", a.ToString(), a.ToString(), "--catalog", Catalog]);

        // Then: that pair is gone from the suggestions, the others stay; a person cannot be dismissed from themselves
        Assert.Equal(0, exit);
        Assert.Contains("not the same", output);
        var again = Jsonl("people", "suggest", "--top", "5").Select(s => (s.GetProperty("person").GetInt64(), s.GetProperty("other").GetInt64())).ToList();
        Assert.DoesNotContain((a, b), again);
        Assert.DoesNotContain((b, a), again);
        Assert.Equal(suggested.Count > 1 ? (suggested[1].GetProperty("person").GetInt64(), suggested[1].GetProperty("other").GetInt64()) : again.FirstOrDefault(), again.FirstOrDefault());
        Assert.NotEqual(0, same.Exit);
        Assert.Contains("themselves", same.Err);
    }

    [DatasetFact]
    public void Should_RefuseWithClearErrorAndChangeNothing_When_IdsAreWrong()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var before = Cli.Run(["faces", "--catalog", Catalog, "--format", "jsonl"]).Out;
        long person = Jsonl("people", "list")[0].GetProperty("person").GetInt64();

        var merge = Cli.Run(["people", "merge", person.ToString(), "99999", "--catalog", Catalog]);
        var move = Cli.Run(["faces", "move", "99999", "--to", person.ToString(), "--catalog", Catalog]);
        var moveBad = Cli.Run(["faces", "move", "1", "--to", "someone", "--catalog", Catalog]);
        var name = Cli.Run(["people", "name", "99999", "X", "--catalog", Catalog]);
        long other = Jsonl("people", "list")[1].GetProperty("person").GetInt64();
        var twice = Cli.Run(["people", "merge", person.ToString(), other.ToString(), other.ToString(), "--catalog", Catalog]);

        Assert.Equal(1, merge.Exit);
        Assert.Contains("no person 99999; nothing was changed", merge.Err);
        Assert.Equal(1, move.Exit);
        Assert.Contains("no face 99999", move.Err);
        Assert.Equal(2, moveBad.Exit); // a value the command line cannot read is a usage error
        Assert.Contains("--to takes a person id or 'new'", moveBad.Err);
        Assert.Equal(1, name.Exit);
        Assert.Equal(1, twice.Exit);
        Assert.Contains($"person {other} given more than once; nothing was changed", twice.Err);
        Assert.Equal(before, Cli.Run(["faces", "--catalog", Catalog, "--format", "jsonl"]).Out);
    }

    [DatasetFact]
    public void Should_WriteAFolderPerPersonAndUpdateIt_When_Exporting()
    {
        // Given: indexed photos, copied to a folder the test owns (so they can be counted as links)
        var photos = Directory.CreateDirectory(_temp.File("photos")).FullName;
        foreach (var folder in new[] { "person_01", "person_02" })
            foreach (var file in Directory.GetFiles(Datasets.At("deepface-tests", folder)))
                File.Copy(file, Path.Combine(photos, $"{folder}-{Path.GetFileName(file)}"));
        Assert.Equal(0, Cli.Run(["index", photos, "--catalog", Catalog]).Exit);
        var dest = _temp.File("export");
        Directory.CreateDirectory(dest);
        File.WriteAllText(Path.Combine(dest, "my-notes.txt"), "mine");
        var hashes = Directory.GetFiles(photos).ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

        // When
        var first = Cli.Run(["export", dest, "--catalog", Catalog]);

        // Then: a folder per person, hard links to the originals
        Assert.True(first.Exit == 0, first.Err + first.Out);
        var folders = Directory.GetDirectories(dest).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2, folders.Count);
        var linked = Directory.GetFiles(dest, "*.jpg", SearchOption.AllDirectories);
        Assert.Equal(Directory.GetFiles(photos).Length, linked.Length);
        Assert.All(linked, f => Assert.Equal(2, LinkCount(f)));

        // When: a person is named and the export re-run
        long person = Jsonl("people", "list")[0].GetProperty("person").GetInt64();
        Assert.Equal(0, Cli.Run(["people", "name", person.ToString(), "Angelina Jolie", "--catalog", Catalog]).Exit);
        var second = Cli.Run(["export", dest, "--catalog", Catalog]);

        // Then: the folder moved to the name; the user's own file and the originals untouched
        Assert.Equal(0, second.Exit);
        Assert.Contains("Angelina Jolie", Directory.GetDirectories(dest).Select(Path.GetFileName));
        Assert.Equal(2, Directory.GetDirectories(dest).Length);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dest, "my-notes.txt")));
        Assert.All(hashes, h => Assert.Equal(h.Value, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(h.Key)))));
    }

    // /dev/shm is a tmpfs: hard links to files under /tmp's file system fail there with EXDEV
    [DatasetFact(NeedsFolder = "/dev/shm")]
    public void Should_CopyInstead_When_DestinationIsOnAnotherFileSystem()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var dest = Path.Combine("/dev/shm", "faceatlas-export-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exit, output, _) = Cli.Run(["export", dest, "--catalog", Catalog]);

            Assert.Equal(0, exit);
            Assert.Contains("copied (could not link)", output);
            Assert.Equal(8, Directory.GetDirectories(dest).Length);
            Assert.All(Directory.GetFiles(dest, "*.*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json")), f => Assert.Equal(1, LinkCount(f)));
        }
        finally
        {
            Directory.Delete(dest, recursive: true);
        }
    }

    static long LinkCount(string path)
    {
        var (exit, output, _) = Run("stat", "-c", "%h", path);
        Assert.Equal(0, exit);
        return long.Parse(output.Trim());
    }

    static (int, string, string) Run(string program, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, p.StandardError.ReadToEnd());
    }

    public void Dispose() => _temp.Dispose();
}
