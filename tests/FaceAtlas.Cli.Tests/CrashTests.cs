using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>Crashes at random moments and load while indexing: nothing lost, nothing doubled, nothing corrupt.</summary>
[Trait("Category", "Slow")] // minutes each: thousands of photos indexed, killed, resumed
public sealed class CrashTests : IDisposable
{
    readonly TempFolder _temp = new();

    /// <summary>LFW folders, alphabetically, until they hold at least <paramref name="photos"/> photos.</summary>
    static string[] LfwFolders(int photos)
    {
        var folders = new List<string>();
        int count = 0;
        foreach (var dir in Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal))
        {
            if (count >= photos) break;
            folders.Add(dir);
            count += Directory.GetFiles(dir).Length;
        }
        return folders.ToArray();
    }

    [DatasetTheory]
    [InlineData("KILL")] // a crash, a power cut
    [InlineData("TERM")] // a service manager's stop: handled as Ctrl+C
    public void Should_EndAsAnUninterruptedRun_When_Stopped20TimesAtRandomDuring2000Photos(string signal)
    {
        // Given: an uninterrupted run of 2,000 photos as the reference
        var roots = LfwFolders(2000);
        var reference = _temp.File("reference.db");
        var uninterrupted = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, Cli.Run(["index", .. roots, "--catalog", reference, "--no-cluster"]).Exit);
        // Each run's share of the work, as this machine goes: on a fast one, stops 3 s apart indexed all 2,000 photos
        // in 14 runs, and the rest had nothing left to stop.
        int share = Math.Max(400, (int)uninterrupted.ElapsedMilliseconds / 12);

        // When: the signal at 20 random moments (0.2 s to a twelfth of the uninterrupted run's time into each run),
        // resuming each time; once, mid-run, the catalog's files are copied as a backup tool would copy them
        var crashed = _temp.File("crashed.db");
        var random = new Random(20);
        int killed = 0;
        string? copied = null;
        for (int kill = 0; kill < 20; kill++)
        {
            using var run = Cli.Start(["index", .. roots, "--catalog", crashed, "--no-cluster"]);
            Thread.Sleep(200 + random.Next(share));
            if (kill == 10 && !run.HasExited && File.Exists(crashed))
            {
                copied = _temp.File("copy.db");
                File.Copy(crashed, copied);
                if (File.Exists(crashed + "-wal")) File.Copy(crashed + "-wal", copied + "-wal");
            }
            if (run.HasExited) break; // finished before the signal: the rest would prove nothing new
            Cli.Signal(run, signal);
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), $"index still running 30 s after SIG{signal}");
            // 130: stopped and saved what it had; 143: the signal came before the command had begun (the runtime's
            // own handling, nothing done yet); 0: it finished as the signal came.
            if (signal == "TERM") Assert.Contains(run.ExitCode, new[] { 0, 130, 143 });
            killed++;
        }
        var final = Cli.Run(["index", .. roots, "--catalog", crashed, "--no-cluster"]);

        // Then
        Assert.True(killed >= 15, $"only {killed} signals landed while indexing (each 0.2-{(200 + share) / 1000.0:F1} s into its run)");
        Assert.Equal(0, final.Exit);
        Assert.Equal(CatalogSnapshot.Count(reference, "photos"), CatalogSnapshot.Count(crashed, "photos"));
        Assert.Equal(CatalogSnapshot.Faces(reference), CatalogSnapshot.Faces(crashed)); // same faces, boxes equal, one embedding each
        Assert.Equal("ok", CatalogSnapshot.Integrity(crashed));
        // and the same people once both are clustered
        Assert.Equal(0, Cli.Run(["cluster", "--catalog", reference]).Exit);
        Assert.Equal(0, Cli.Run(["cluster", "--catalog", crashed]).Exit);
        Assert.Equal(People(reference), People(crashed));
        Assert.NotNull(copied);
        // (the integrity check opens it read-write, which replays the copied WAL; the count then reads the result)
        Assert.Equal("ok", CatalogSnapshot.Integrity(copied));
        // Copied file by file while written, the copy may hold less than was committed (a WAL copied across a
        // checkpoint no longer matches its database and is ignored: the copy is the catalog at the last checkpoint),
        // but never something broken.
        Assert.InRange(CatalogSnapshot.Photos(copied).Count, 0, CatalogSnapshot.Count(reference, "photos"));
    }

    /// <summary>Who is with whom: each person as the sorted faces (photo and box) it holds; faces in no person left out.</summary>
    static List<string> People(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT group_concat(face, ' | ') FROM (
                SELECT f.person_id AS person, p.path || ' ' || round(f.x) || ',' || round(f.y) AS face
                FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.person_id IS NOT NULL ORDER BY 1, 2)
            GROUP BY person
            """;
        using var r = cmd.ExecuteReader();
        var people = new List<string>();
        while (r.Read()) people.Add(r.GetString(0));
        people.Sort(StringComparer.Ordinal);
        return people;
    }

    /// <summary>Starts a command, kills it with SIGKILL after <paramref name="delay"/>; true when it was still running.</summary>
    static bool KillAfter(TimeSpan delay, params string[] args)
    {
        using var run = Cli.Start(args);
        Thread.Sleep(delay);
        bool running = !run.HasExited;
        if (running) run.Kill();
        run.WaitForExit();
        return running;
    }

    [DatasetFact]
    public void Should_LeaveEachClusteringAndMergeWholeOrUndone_When_KilledAtRandom()
    {
        // Given: 600 LFW photos indexed without people, twice the same catalog; the reference is clustered undisturbed
        var catalog = _temp.File("c.db");
        Assert.Equal(0, Cli.Run(["index", .. LfwFolders(600), "--catalog", catalog, "--no-cluster"]).Exit);
        var reference = _temp.File("reference.db");
        File.Copy(catalog, reference);
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, Cli.Run(["cluster", "--full", "--catalog", reference]).Exit);
        var clustering = clock.Elapsed;
        var expected = People(reference);
        Assert.True(expected.Count > 50);

        // When: `cluster --full` killed at random moments of its run (30-100 % of an undisturbed one's time; before
        // that it is still starting) until 10 kills have landed while it ran, then run to the end. A run that ends
        // before its kill (the machine was less busy than when the time was measured) shortens the times that follow.
        var random = new Random(10);
        TimeSpan Within(TimeSpan run) => run * (0.3 + 0.7 * random.NextDouble());
        int clusterKills = 0;
        for (int i = 0; clusterKills < 10 && i < 30; i++)
        {
            if (KillAfter(Within(clustering), "cluster", "--full", "--catalog", catalog)) clusterKills++;
            else clustering *= 0.7;
            // Then, after each kill: SQLite whole, and the people either not made yet or all made
            Assert.Equal("ok", CatalogSnapshot.Integrity(catalog));
            var now = People(catalog);
            Assert.True(now.Count == 0 || now.SequenceEqual(expected), $"kill {i}: {now.Count} people, neither none nor the {expected.Count} of a whole run");
        }
        Assert.Equal(0, Cli.Run(["cluster", "--full", "--catalog", catalog]).Exit);
        Assert.Equal(expected, People(catalog));

        // When: merges of 6 people at a time killed at random moments, the last one left to finish
        var ids = Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", catalog]).Select(p => p.GetProperty("person").GetInt64()).ToList();
        clock.Restart();
        Assert.Equal(0, Cli.Run(["people", "merge", .. ids.Take(2).Select(id => id.ToString()), "--catalog", reference]).Exit);
        var merging = clock.Elapsed;
        int mergeKills = 0, merged = 0;
        Assert.True(ids.Count >= 72, $"{ids.Count} people");
        for (int i = 0; i < 12; i++)
        {
            var group = ids.Skip(6 * i).Take(6).Select(id => id.ToString()).ToArray();
            var before = People(catalog);
            if (i == 11) Assert.Equal(0, Cli.Run(["people", "merge", .. group, "--catalog", catalog]).Exit);
            else if (KillAfter(Within(merging), ["people", "merge", .. group, "--catalog", catalog])) mergeKills++;
            else merging *= 0.7;
            // Then: the 6 are 6 people still, or one: never some moved and some not
            Assert.Equal("ok", CatalogSnapshot.Integrity(catalog));
            var after = People(catalog);
            if (after.SequenceEqual(before)) continue;
            merged++;
            Assert.Equal(before.Count - 5, after.Count);
            Assert.Equal(6, before.Except(after).Count());
            Assert.Single(after.Except(before));
        }
        Assert.True(clusterKills == 10, $"only {clusterKills} kills landed while clustering");
        Assert.True(mergeKills >= 3, $"only {mergeKills} kills landed during a merge");
        Assert.True(merged >= 1, "the merge left to finish did not merge");
    }

    [DatasetFact]
    public async Task Should_AnswerEveryRequest_When_ServingWhileAnIndexRuns()
    {
        // Given: a catalog with some people, served, and an index of 600 more photos started on it
        var catalog = _temp.File("c.db");
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", catalog]).Exit);
        var photos = Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", catalog]).Select(f => (Photo: f.GetProperty("photo").GetInt64(), Face: f.GetProperty("face").GetInt64())).ToList();
        using var serve = Cli.Start(["serve", "--port", "0", "--catalog", catalog]);
        var address = (await serve.StandardOutput.ReadLineAsync())!["FaceAtlas is at ".Length..].Split(' ')[0];
        using var index = Cli.Start(["index", .. LfwFolders(600), "--catalog", catalog]);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var upload = File.ReadAllBytes(Directory.GetFiles(Datasets.At("deepface-tests", "person_01")).Order(StringComparer.Ordinal).First());
        // Stalled clients: connections that send half a request and then nothing, held open the whole time.
        var uri = new Uri(address);
        var stalled = new List<System.Net.Sockets.Socket>();
        for (int i = 0; i < 5; i++)
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(uri.Host, uri.Port);
            await socket.SendAsync("GET /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
            stalled.Add(socket);
        }

        // When: 50 requests at once, four rounds, search uploads among them, while the index writes
        var failures = new List<string>();
        bool sawIndexing = false;
        for (int round = 0; round < 4 && !index.HasExited; round++)
        {
            var requests = Enumerable.Range(0, 50).Select(async i =>
            {
                var (photo, face) = photos[(i + 50 * round) % photos.Count];
                string path = (i % 10) switch
                {
                    0 or 5 => "api/people",
                    1 => "api/status",
                    2 or 6 => $"api/photos/{photo}/image?size=256",
                    3 or 7 or 8 => $"api/faces/{face}/thumbnail",
                    9 => "api/search",
                    _ => $"api/photos/{photo}",
                };
                using var request = new HttpRequestMessage(path == "api/search" ? HttpMethod.Post : HttpMethod.Get, address + path);
                request.Headers.Add("X-FaceAtlas-Request", "1");
                if (path == "api/search") request.Content = new MultipartFormDataContent { { new ByteArrayContent(upload), "photo", "q.jpg" } };
                var response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"{path}: {response.StatusCode}");
                if (path == "api/status" && (await response.Content.ReadAsStringAsync()).Contains("\"indexing\":true")) sawIndexing = true;
            });
            await Task.WhenAll(requests);
        }
        long peak = ServePeakMemory(serve.Id);
        await index.WaitForExitAsync();
        serve.Kill();
        stalled.ForEach(s => s.Dispose());

        // Then: every request answered, the index finished, the catalog whole
        Assert.Empty(failures);
        Assert.True(sawIndexing, "the requests should have run while the index was running");
        // The models, the server, and at most a photo per core being decoded (bench serve-load: about 1.1 GB at 50
        // clients). Fifty of deepface-tests' photos (up to 14 MP, 56 MB decoded) decoded at once would be 2.8 GB.
        Assert.True(peak < 1536L * 1024 * 1024, $"serve's peak memory {peak / 1048576} MB");
        Assert.Equal(0, index.ExitCode);
        Assert.Equal("ok", CatalogSnapshot.Integrity(catalog));
        Assert.True(CatalogSnapshot.Count(catalog, "photos") > 600);
    }

    /// <summary>A process's peak resident memory so far (Linux's VmHWM).</summary>
    static long ServePeakMemory(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    public void Dispose() => _temp.Dispose();
}
