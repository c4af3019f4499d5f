using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>Crashes at random moments and load while indexing: nothing lost, nothing doubled, nothing corrupt.</summary>
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

    /// <summary>SQLite's own check, and the photos it holds, opened read-write so that a copied WAL is replayed.</summary>
    static (string Integrity, long Photos) Check(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Pooling=False");
        c.Open();
        using var integrity = c.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        using var photos = c.CreateCommand();
        photos.CommandText = "SELECT count(*) FROM photos";
        return ((string)integrity.ExecuteScalar()!, (long)photos.ExecuteScalar()!);
    }

    [DatasetFact]
    public void Should_EndAsAnUninterruptedRun_When_Killed20TimesAtRandomDuring2000Photos()
    {
        // Given: an uninterrupted run of 2,000 photos as the reference
        var roots = LfwFolders(2000);
        var reference = _temp.File("reference.db");
        Assert.Equal(0, Cli.Run(["index", .. roots, "--catalog", reference, "--no-cluster"]).Exit);

        // When: SIGKILL at 20 random moments (0.2 to 3 s into each run), resuming each time; once, mid-run, the
        // catalog's files are copied as a backup tool would copy them
        var crashed = _temp.File("crashed.db");
        var random = new Random(20);
        int killed = 0;
        string? copied = null;
        for (int kill = 0; kill < 20; kill++)
        {
            using var run = Cli.Start(["index", .. roots, "--catalog", crashed, "--no-cluster"]);
            Thread.Sleep(200 + random.Next(2800));
            if (kill == 10 && !run.HasExited && File.Exists(crashed))
            {
                copied = _temp.File("copy.db");
                File.Copy(crashed, copied);
                if (File.Exists(crashed + "-wal")) File.Copy(crashed + "-wal", copied + "-wal");
            }
            if (run.HasExited) break; // finished before the kill: the rest would prove nothing new
            run.Kill();
            run.WaitForExit();
            killed++;
        }
        var final = Cli.Run(["index", .. roots, "--catalog", crashed, "--no-cluster"]);

        // Then
        Assert.True(killed >= 15, $"only {killed} kills landed while indexing");
        Assert.Equal(0, final.Exit);
        Assert.Equal(CatalogSnapshot.Count(reference, "photos"), CatalogSnapshot.Count(crashed, "photos"));
        Assert.Equal(CatalogSnapshot.Faces(reference), CatalogSnapshot.Faces(crashed)); // same faces, boxes equal, one embedding each
        Assert.Equal("ok", Check(crashed).Integrity);
        Assert.NotNull(copied);
        var copy = Check(copied);
        Assert.Equal("ok", copy.Integrity);
        // Copied file by file while written, the copy may hold less than was committed (a WAL copied across a
        // checkpoint no longer matches its database and is ignored: the copy is the catalog at the last checkpoint),
        // but never something broken.
        Assert.InRange(copy.Photos, 0, CatalogSnapshot.Count(reference, "photos"));
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

        // When: 50 requests at once, three rounds, while the index writes
        var failures = new List<string>();
        bool sawIndexing = false;
        for (int round = 0; round < 3 && !index.HasExited; round++)
        {
            var requests = Enumerable.Range(0, 50).Select(async i =>
            {
                var (photo, face) = photos[i % photos.Count];
                string path = (i % 5) switch
                {
                    0 => "api/people",
                    1 => "api/status",
                    2 => $"api/photos/{photo}/image?size=256",
                    3 => $"api/faces/{face}/thumbnail",
                    _ => $"api/photos/{photo}",
                };
                var response = await http.GetAsync(address + path);
                if (response.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"{path}: {response.StatusCode}");
                if (path == "api/status" && (await response.Content.ReadAsStringAsync()).Contains("\"indexing\":true")) sawIndexing = true;
            });
            await Task.WhenAll(requests);
        }
        await index.WaitForExitAsync();
        serve.Kill();

        // Then: every request answered, the index finished, the catalog whole
        Assert.Empty(failures);
        Assert.True(sawIndexing, "the requests should have run while the index was running");
        Assert.Equal(0, index.ExitCode);
        Assert.Equal("ok", Check(catalog).Integrity);
        Assert.True(CatalogSnapshot.Count(catalog, "photos") > 600);
    }

    public void Dispose() => _temp.Dispose();
}
