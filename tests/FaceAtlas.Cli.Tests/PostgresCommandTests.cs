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
        // Every person's sum is kept in the copy, current (a server's first start reads a row a person)
        using (var c = new SqliteConnection($"Data Source={back};Mode=ReadOnly;Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT (SELECT count(*) FROM person_sums s JOIN people p ON p.id = s.person_id AND p.faces_rev = s.faces_rev),
                       (SELECT count(DISTINCT f.person_id) FROM faces f JOIN embeddings e ON e.face_id = f.id
                        WHERE f.person_id IS NOT NULL AND f.ignored = 0 AND f.not_face = 0)
                """;
            using var r = cmd.ExecuteReader();
            r.Read();
            Assert.True(r.GetInt64(1) > 0);
            Assert.Equal(r.GetInt64(1), r.GetInt64(0));
        }
        // What the server holds reads the same too.
        foreach (var command in new[] { new[] { "people", "list", "--format", "jsonl" }, ["faces", "--format", "jsonl"] })
            Assert.Equal(Cli.Run([.. command, "--catalog", original]).Out, Cli.Run([.. command, "--catalog", onServer]).Out);
        // Into a catalog that holds something: refused, nothing changed.
        var again = Cli.Run("catalog", "copy", original, onServer);
        Assert.Equal(1, again.Exit);
        Assert.Contains("holds a catalog already", again.Err);
        Assert.Equal(before, AllRows(back));
        // People's tallies, counted once at the end of the copy, go on counting there: a merge counts alike on both.
        var two = Cli.Run("people", "list", "--format", "jsonl", "--catalog", original).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Take(2).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("person").GetInt64().ToString()).ToArray();
        foreach (var catalog in new[] { original, onServer })
            Assert.Equal(0, Cli.Run(["people", "merge", .. two, "--catalog", catalog]).Exit);
        Assert.Equal(Cli.Run("people", "list", "--format", "jsonl", "--catalog", original).Out, Cli.Run("people", "list", "--format", "jsonl", "--catalog", onServer).Out);
    }

    [PostgresFact(NeedsDatasets = true)]
    public void Should_AnalyseEachPhotoOnceAndWaitForNoLease_When_TwoWorkersShareTheWork()
    {
        // Given: two workers of one thread each on 120 LFW photos; a claim lasts 10 minutes, so a photo analysed twice
        // (or a worker holding its finished photos while it waits for the other's) would take as long
        var roots = new List<string>();
        foreach (var dir in Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal))
        {
            if (roots.Sum(r => Directory.GetFiles(r).Length) >= 120) break;
            roots.Add(dir);
        }
        int photos = roots.Sum(r => Directory.GetFiles(r).Length);
        var uri = server.NewDatabase();
        var environment = new Dictionary<string, string> { ["FACEATLAS_LEASE_SECONDS"] = "600" };

        // When
        var workers = Enumerable.Range(0, 2).Select(_ => Cli.Start(["index", .. roots, "--catalog", uri, "--threads", "1"], environment)).ToList();
        var outputs = workers.Select(w => w.StandardOutput.ReadToEndAsync()).ToList();
        foreach (var w in workers)
        {
            Assert.True(w.WaitForExit(TimeSpan.FromMinutes(5)), "a worker waited for a lease to run out");
            Assert.Equal(0, w.ExitCode);
        }

        // Then: together they analysed each photo once, and each says how many the other did
        var analysed = outputs.Select(o => int.Parse(Regex.Match(o.Result, @"analysed\s+(\d+)").Groups[1].Value)).ToList();
        Assert.Equal(photos, analysed.Sum());
        Assert.All(analysed, a => Assert.True(a > 0, "a worker got no share of the work"));
        Assert.Equal(photos, CatalogCount(uri));
    }

    static int CatalogCount(string uri) => int.Parse(ServerRows(uri, "SELECT count(*) FROM photos", r => r.GetInt64(0).ToString()).Single());

    [Trait("Category", "Slow")] // a minute or two: 558 photos indexed twice, a lease waited out, a server restarted
    [PostgresFact(NeedsDatasets = true)]
    public void Should_HaveEachPhotoOnce_When_ThreeWorkersShareTheWorkOneIsKilledAndTheServerRestarts()
    {
        // Given: 100 LFW people (558 photos) in a folder of their own, and one run into a catalog file as the reference
        var labelled = _temp.File("labelled");
        Directory.CreateDirectory(labelled);
        foreach (var person in Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal)
                     .Where(d => Directory.GetFiles(d).Length >= 2).Take(100))
            Directory.CreateSymbolicLink(Path.Combine(labelled, Path.GetFileName(person)), person);
        var reference = _temp.File("reference.db");
        Assert.Equal(0, Cli.Run("index", labelled, "--catalog", reference).Exit);

        // When: three workers at once on one server (claims last 10 s); one is killed (SIGKILL) once 100 photos are
        // in, and the server restarted (every connection cut) once 300 are
        var uri = server.NewDatabase();
        var database = uri.Split('/', 4)[3].Split('?')[0];
        var environment = new Dictionary<string, string> { ["FACEATLAS_LEASE_SECONDS"] = "10" };
        var workers = Enumerable.Range(0, 3).Select(_ => Cli.Start(["index", labelled, "--catalog", uri], environment)).ToList();
        var outputs = workers.Select(w => (Out: w.StandardOutput.ReadToEndAsync(), Err: w.StandardError.ReadToEndAsync())).ToList();
        int PhotosIn() => int.TryParse(TryPsql(database, "SELECT count(*) FROM photos"), out int n) ? n : 0;
        WaitFor(() => PhotosIn() >= 100 || workers[0].HasExited);
        Assert.False(workers[0].HasExited, "the first worker finished before it could be killed");
        Cli.Signal(workers[0], "KILL");
        WaitFor(() => PhotosIn() >= 300 || workers.Skip(1).All(w => w.HasExited));
        Assert.True(PhotosIn() < 558, "the workers finished before the server could be restarted");
        server.Restart();
        foreach (var (worker, i) in workers.Select((w, i) => (w, i)).Skip(1))
        {
            Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(10)), "a worker did not finish");
            Assert.True(worker.ExitCode == 0, $"worker {i} exited {worker.ExitCode}: {outputs[i].Err.Result}");
        }

        // Then: every photo once, with the faces of the single run; the survivors analysed no photo twice
        Assert.Equal(CatalogSnapshot.Photos(reference), ServerRows(uri, "SELECT path, coalesce(failure, '') FROM photos ORDER BY 1", r => $"{r.GetString(0)} {r.GetString(1)}"));
        Assert.Equal(FacesOf(reference), ServerRows(uri, FacesQuery, FaceRow));
        Assert.Equal("0", server.Psql(database, "SELECT count(*) FROM pending_photos"));
        int analysedBySurvivors = outputs.Skip(1).Sum(o => int.Parse(Regex.Match(o.Out.Result, @"analysed\s+(\d+)").Groups[1].Value));
        Assert.InRange(analysedBySurvivors, 1, 558);
        Assert.Contains(outputs.Skip(1), o => o.Out.Result.Contains("by others"));

        // And: clustering the server's faces scores as the file's does
        Assert.Equal(Scores(reference), Scores(uri));
    }

    /// <summary>eval's clustering figures on the labelled folder (it is indexed already: nothing is analysed again).</summary>
    string Scores(string catalog)
    {
        var (exit, output, err) = Cli.Run("eval", _temp.File("labelled"), "--catalog", catalog);
        Assert.True(exit == 0, err);
        Assert.Contains("0 analysed now", err);
        return string.Join('\n', output.Split('\n').Where(l => l.StartsWith("BCubed") || l.StartsWith("pairwise") || l.StartsWith("labelled")));
    }

    string? TryPsql(string database, string sql)
    {
        try
        {
            return server.Psql(database, sql);
        }
        catch (InvalidOperationException)
        {
            return null; // the server is restarting
        }
    }

    static void WaitFor(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(10), "waited 10 minutes");
            Thread.Sleep(100);
        }
    }

    const string FacesQuery = """
        SELECT p.path, f.x, f.y, f.w, f.h, (SELECT count(*) FROM embeddings e WHERE e.face_id = f.id)
        FROM faces f JOIN photos p ON p.id = f.photo_id ORDER BY 1, 2, 3
        """;

    static string FaceRow(System.Data.Common.DbDataReader r) =>
        $"{r.GetString(0)} {r.GetDouble(1):F1} {r.GetDouble(2):F1} {r.GetDouble(3):F1} {r.GetDouble(4):F1} e{r.GetInt64(5)}";

    static List<string> FacesOf(string file)
    {
        using var c = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = FacesQuery;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(FaceRow(r));
        return rows;
    }

    static List<string> ServerRows(string uri, string sql, Func<System.Data.Common.DbDataReader, string> row)
    {
        using var c = new Npgsql.NpgsqlConnection(FaceAtlas.Storage.Postgres.PostgresLocation.Parse(uri).Connection.ConnectionString);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(row(r));
        return rows;
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
                // faces_rev: a person's revision, counting the writes their faces saw; a copy is written otherwise.
                rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Where(i => r.GetName(i) != "faces_rev").Select(i =>
                    $"{r.GetName(i)}={(r.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
            tables[table] = rows;
        }
        return tables;
    }

    public void Dispose() => _temp.Dispose();
}
