using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// The program on a PostgreSQL catalog (a private server the tests start): every command says and does what it
/// does on a catalog file; a catalog copied to the server and back is the same catalog; several workers killed
/// and cut off from their server mid-run still end with each photo once.
/// </summary>
public sealed class PostgresCommandTests(PostgresServer server) : IClassFixture<PostgresServer>, IDisposable
{
    readonly TempFolder _temp = new();

    /// <summary>
    /// One user's session, the same on any catalog: index, list, name, move, reject, hide, dismiss, search, export,
    /// forget; what each command printed, with the catalog's name and the timings taken out.
    /// </summary>
    List<string> Session(string catalog, string exportTo)
    {
        var transcript = new List<string>();
        string Run(params string[] args)
        {
            var (exit, output, err) = Cli.Run([.. args, "--catalog", catalog]);
            Assert.True(exit == 0, $"faceatlas {string.Join(' ', args)} exited {exit}: {err}");
            var said = Regex.Replace(output.Replace(catalog, "CATALOG").Replace(exportTo, "EXPORT"), @"\d+(\.\d+)? s\b|\d\d:\d\d|\(\d+(\.\d+)? photos/s analysed\)", "T");
            transcript.Add($"$ {string.Join(' ', args).Replace(exportTo, "EXPORT")}\n{said}");
            return output;
        }
        List<JsonElement> Json(params string[] args) =>
            Run([.. args, "--format", "jsonl"]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Run("index", Datasets.At("deepface-tests"), "--threads", "1");
        var people = Json("people", "list");
        long Id(int i) => people[i].GetProperty("person").GetInt64();
        Run("people", "name", Id(0).ToString(), "Angelina");
        var faces = Json("faces");
        long FaceOf(long person, int n) => faces.Where(f => f.GetProperty("person").ValueKind == JsonValueKind.Number && f.GetProperty("person").GetInt64() == person)
            .Select(f => f.GetProperty("face").GetInt64()).ElementAt(n);
        Run("faces", "move", FaceOf(Id(1), 0).ToString(), "--to", Id(2).ToString());
        Run("faces", "reject", FaceOf(Id(3), 0).ToString(), "--from", Id(3).ToString());
        Run("people", "hide", Id(4).ToString());
        Run("people", "merge", Id(5).ToString(), Id(6).ToString());
        Json("people", "suggest");
        Run("people", "dismiss", Id(7).ToString(), Id(8).ToString());
        Run("cluster", "--full");
        Json("search", Datasets.At("deepface-tests", "person_01", "img1.jpg"));
        Json("search", "--like", FaceOf(Id(0), 1).ToString(), "--top", "5");
        Run("export", exportTo);
        transcript.Add(string.Join('\n', Directory.EnumerateFileSystemEntries(exportTo, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(exportTo, p)).Order(StringComparer.Ordinal)));
        Run("forget", "--person", Id(9).ToString());
        Json("people", "list");
        Json("faces");
        return transcript;
    }

    [PostgresFact(NeedsDatasets = true)]
    public void Should_SayAndDoTheSame_When_EveryCommandRunsOnPostgres()
    {
        var onFile = Session(_temp.File("catalog.db"), _temp.File("export-file"));
        var onServer = Session(server.NewDatabase(), _temp.File("export-server"));

        Assert.Equal(onFile.Count, onServer.Count);
        for (int i = 0; i < onFile.Count; i++)
            Assert.Equal(onFile[i], onServer[i]);
    }

    [PostgresFact(NeedsDatasets = true)]
    public void Should_GiveBackTheSameCatalog_When_CopiedToPostgresAndBack()
    {
        var original = _temp.File("original.db");
        Session(original, _temp.File("export")); // names, moves, rejections, a hidden person, a dismissal, a forgotten person
        var onServer = server.NewDatabase();
        var back = _temp.File("back.db");

        var there = Cli.Run("catalog", "copy", original, onServer);
        var home = Cli.Run("catalog", "copy", onServer, back);

        Assert.True(there.Exit == 0, there.Err);
        Assert.True(home.Exit == 0, home.Err);
        Assert.Contains("faces", there.Out);
        var before = AllRows(original);
        Assert.True(before["face_rejections"].Count > 0 && before["distinct_people"].Count > 0 && before["forgotten_faces"].Count > 0);
        Assert.Contains(before["people"], row => row.Contains("Angelina"));
        Assert.Equal(before, AllRows(back));
        // What the server holds reads the same too.
        foreach (var command in new[] { new[] { "people", "list", "--format", "jsonl" }, ["faces", "--format", "jsonl"] })
            Assert.Equal(Cli.Run([.. command, "--catalog", original]).Out, Cli.Run([.. command, "--catalog", onServer]).Out);
        // Into a catalog that holds something: refused, nothing changed.
        var again = Cli.Run("catalog", "copy", original, onServer);
        Assert.Equal(1, again.Exit);
        Assert.Contains("holds a catalog already", again.Err);
        Assert.Equal(before, AllRows(back));
    }

    /// <summary>Every row of every table a user's work lives in, read with plain SQL, values as text.</summary>
    static Dictionary<string, List<string>> AllRows(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
        c.Open();
        var tables = new Dictionary<string, List<string>>();
        foreach (var table in new[] { "photos", "people", "faces", "embeddings", "face_rejections", "distinct_people", "forgotten_faces" })
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2";
            using var r = cmd.ExecuteReader();
            var rows = new List<string>();
            while (r.Read())
                rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i =>
                    $"{r.GetName(i)}={(r.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
            tables[table] = rows;
        }
        return tables;
    }

    public void Dispose() => _temp.Dispose();
}
