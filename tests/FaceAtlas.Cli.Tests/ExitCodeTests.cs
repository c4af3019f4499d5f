namespace FaceAtlas.Cli.Tests;

/// <summary>
/// The README's exit-code table, row by row, for the failures every command shares (0, 1, 2). Rows 3, 4, 130 and
/// 143 belong to index and are checked where it is (IndexCommandTests, CrashTests, DiskFullTests).
/// </summary>
public sealed class ExitCodeTests : IClassFixture<ExitCodeTests.IndexedCatalog>
{
    /// <summary>bbt/identities indexed once (8 people); the rows below change nothing, so they share it.</summary>
    public sealed class IndexedCatalog : IDisposable
    {
        readonly TempFolder _temp = new();
        public string Path => _temp.File("c.db");

        public IndexedCatalog()
        {
            if (Datasets.Present) Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Path]).Exit);
        }

        public void Dispose() => _temp.Dispose();
    }

    readonly IndexedCatalog _catalog;
    readonly long _person;

    public ExitCodeTests(IndexedCatalog catalog)
    {
        _catalog = catalog;
        _person = Datasets.Present ? Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", catalog.Path])[0].GetProperty("person").GetInt64() : 0;
    }

    [DatasetTheory]
    [InlineData(0, "", "people list")]
    [InlineData(0, "", "people suggest")]
    [InlineData(1, "no person 999999; nothing was changed", "people name 999999 Ann")]
    [InlineData(1, "a name cannot be empty; nothing was changed", "people name PERSON BLANK")]
    [InlineData(1, "into itself; nothing was changed", "people merge PERSON PERSON")]
    [InlineData(1, "no face 999999; nothing was changed", "faces move 999999 --to new")]
    [InlineData(1, "no person 999999; nothing was changed", "export /tmp/faceatlas-never --people 999999")]
    [InlineData(1, "no person 999999", "forget --person 999999")]
    [InlineData(1, "no person 999999 with faces", "search --person 999999")]
    [InlineData(2, "--to takes a person id or 'new', not 'abc'", "faces move 1 --to abc")]
    [InlineData(2, "--age 40-20", "search --person PERSON --age 40-20")]
    [InlineData(2, "Unrecognized command or argument '--no-such-option'", "people list --no-such-option")]
    [InlineData(2, "search takes a query photo, --person ID or --like FACE", "search")]
    public void Should_ExitWithTheDocumentedCode_When_ARequestSucceedsOrFails(int code, string says, string command)
    {
        // PERSON: a person of the catalog; BLANK: a name of spaces only
        var args = command.Replace("PERSON", _person.ToString()).Split(' ').Select(a => a == "BLANK" ? "   " : a).ToList();
        var before = Cli.Run(["people", "list", "--all", "--format", "jsonl", "--catalog", _catalog.Path]).Out;

        var (exit, _, err) = Cli.Run([.. args, "--catalog", _catalog.Path]);

        Assert.True(exit == code, $"{command}: exit {exit}, {err}");
        Assert.Contains(says, err);
        Assert.Equal(before, Cli.Run(["people", "list", "--all", "--format", "jsonl", "--catalog", _catalog.Path]).Out);
    }

    [DatasetFact]
    public void Should_Exit1AndSaySo_When_TheCatalogIsMissingOrNotACatalog()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("notes.db"), "not a database at all, but long enough to be read as one by SQLite's header check");

        var missing = Cli.Run(["people", "list", "--catalog", temp.File("none.db")]);
        var foreign = Cli.Run(["people", "list", "--catalog", temp.File("notes.db")]);

        Assert.Equal(1, missing.Exit);
        Assert.Contains("no catalog at", missing.Err);
        Assert.False(File.Exists(temp.File("none.db")));
        Assert.Equal(1, foreign.Exit);
        Assert.Contains("is not a FaceAtlas catalog", foreign.Err);
    }

    [Fact]
    public void Should_Exit1AndHideThePassword_When_TheCatalogUriIsWrong()
    {
        var wrong = Cli.Run(["people", "list", "--catalog", "postgresql://ann:hunter2@db.lan:notaport/photos"]);

        Assert.Equal(1, wrong.Exit);
        Assert.Contains("the port 'notaport' is not a port number; nothing was changed", wrong.Err);
        Assert.Contains("postgresql://ann:***@db.lan", wrong.Err);
        Assert.DoesNotContain("hunter2", wrong.Err + wrong.Out);
        Assert.DoesNotContain("Unhandled exception", wrong.Err);
    }
}
