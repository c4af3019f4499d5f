using System.Net;

namespace FaceAtlas.Cli.Tests;

/// <summary><c>faceatlas serve</c> as a user starts it: the printed address works, and beyond loopback only with its token.</summary>
public sealed class ServeCommandTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    /// <summary>Starts serve, returns the address it printed; the process is killed at the end of the test.</summary>
    async Task<(System.Diagnostics.Process Process, string Address)> Serve(params string[] args)
    {
        var process = Cli.Start(["serve", "--port", "0", "--catalog", Catalog, .. args]);
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotNull(line);
        Assert.StartsWith("FaceAtlas is at http://", line);
        return (process, line["FaceAtlas is at ".Length..].Split(' ')[0]);
    }

    [DatasetFact]
    public async Task Should_ServeThePages_When_Started()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var (process, address) = await Serve();
        try
        {
            using var http = new HttpClient();
            var page = await http.GetStringAsync(address);
            var people = await http.GetStringAsync(address + "api/people");

            Assert.StartsWith("http://127.0.0.1:", address);
            Assert.Contains("<script src=\"/app.js\">", page);
            Assert.Contains("\"total\":", people);
        }
        finally
        {
            process.Kill();
        }
    }

    [DatasetFact]
    public async Task Should_ShowNewPhotosWithoutARestart_When_ServingWithWatch()
    {
        // Given: serve watching a folder of two photos
        var folder = _temp.File("photos");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "img1.jpg", "img2.jpg" })
            File.Copy(Datasets.At("deepface-tests", "person_01", name), Path.Combine(folder, name));
        var (process, address) = await Serve("--watch", folder);
        try
        {
            using var http = new HttpClient();
            async Task<System.Text.Json.JsonElement> Status() =>
                System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(address + "api/status")).RootElement;
            async Task Until(Func<System.Text.Json.JsonElement, bool> done, string what)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!done(await Status()))
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"waited 90 s for {what}: {await Status()}");
                    await Task.Delay(250);
                }
            }
            static bool Watching(System.Text.Json.JsonElement s) =>
                s.GetProperty("progress").ValueKind == System.Text.Json.JsonValueKind.Object && s.GetProperty("progress").GetProperty("watching").GetBoolean();
            await Until(s => s.GetProperty("photos").GetInt32() == 2 && Watching(s), "the first pass");

            // When: a photo arrives in the folder
            File.Copy(Datasets.At("deepface-tests", "person_01", "img4.jpg"), Path.Combine(folder, "img4.jpg"));

            // Then: the same server answers with it, and is watching again
            await Until(s => s.GetProperty("photos").GetInt32() == 3 && Watching(s), "the new photo");
            Assert.Equal(3, (await Status()).GetProperty("faces").GetInt32());
            Assert.Contains("img4.jpg", await http.GetStringAsync(address + "api/photos/3"));
        }
        finally
        {
            process.Kill();
        }
    }

    [DatasetFact]
    public async Task Should_AnswerASearchWithTheCommandsPhotos_When_APhotoIsUploaded()
    {
        // Given: the identity crops indexed; a group photo that is not in the catalog as the query
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var query = Datasets.At("bbt", "group", "bbt2.jpg");
        var command = Cli.JsonLines(["search", query, "--catalog", Catalog, "--format", "jsonl"]);
        var (process, address) = await Serve();
        try
        {
            // When
            using var http = new HttpClient();
            var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(query)), "photo", "bbt2.jpg" } };
            var request = new HttpRequestMessage(HttpMethod.Post, address + "api/search") { Content = form };
            request.Headers.Add("X-FaceAtlas-Request", "1");
            var response = await http.SendAsync(request);
            var web = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();

            // Then: the same photos, faces and kind of match, in the same order
            static string Row(System.Text.Json.JsonElement h) => $"{h.GetProperty("photo")} {h.GetProperty("face")} {h.GetProperty("match")}";
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEmpty(command);
            Assert.Equal(command.Select(Row), web.Select(Row));
            Assert.Contains(web, h => h.GetProperty("match").GetString() == "person");
        }
        finally
        {
            process.Kill();
        }
    }

    [DatasetFact]
    public async Task Should_FinishTheRequestInFlightAndExit0_When_StoppedWithSigterm()
    {
        // Given: a search upload being answered (decoding and analysing a 1 MB photo takes a while)
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var (process, address) = await Serve();
        using var http = new HttpClient();
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Datasets.At("group-photos", "deepface_couple.jpg"))), "photo", "q.jpg" } };
        var request = new HttpRequestMessage(HttpMethod.Post, address + "api/search") { Content = form };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        var answer = http.SendAsync(request);
        await Task.Delay(300);

        // When: a service manager stops it
        Cli.Signal(process, "TERM");

        // Then: the request is answered, and serve ends cleanly
        Assert.Equal(HttpStatusCode.OK, (await answer).StatusCode);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "serve still running 30 s after SIGTERM");
        Assert.Equal(0, process.ExitCode);
    }

    [DatasetFact]
    public async Task Should_PrintAToken_When_BoundBeyondLoopback()
    {
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", Catalog]).Exit);
        var (process, address) = await Serve("--bind", "0.0.0.0");
        try
        {
            var url = new Uri(address);
            using var http = new HttpClient();
            var local = $"http://127.0.0.1:{url.Port}/api/people";

            var without = await http.GetAsync(local);
            var with = await http.GetAsync(local + url.Query);

            Assert.Contains("?token=", address);
            Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
            Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        }
        finally
        {
            process.Kill();
        }
    }

    /// <summary>
    /// Started in a folder of many folders (a home folder of albums), serve watches none of them: the web host watched
    /// the folder it was started in for settings files, every folder under it, which took 11 s before the first
    /// request in a folder of 847,000 photos (docs/BENCHMARKS.md).
    /// </summary>
    [Fact]
    public async Task Should_WatchNoFolder_When_StartedInAFolderOfManyFolders()
    {
        // Given: a catalog, and a folder of 200 albums to start in
        using (FaceAtlas.Storage.CatalogStores.For(Catalog).OpenForWriting(create: true)) { }
        var home = _temp.File("home");
        for (int i = 0; i < 200; i++) Directory.CreateDirectory(Path.Combine(home, $"album-{i}", "edited"));
        var start = new System.Diagnostics.ProcessStartInfo(Cli.Program, ["serve", "--port", "0", "--catalog", Catalog])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home,
        };
        start.Environment.Remove("FACEATLAS_CATALOG");

        // When: serve starts there and answers
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.StartsWith("FaceAtlas is at http://", line);
            using var http = new HttpClient();
            Assert.Contains("\"total\":", await http.GetStringAsync(line!["FaceAtlas is at ".Length..].Split(' ')[0] + "api/people"));

            // Then: it holds no folder watch (inotify), where the host's watch held one a folder
            int watches = Directory.GetFiles($"/proc/{process.Id}/fdinfo").Sum(f => File.ReadLines(f).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
            Assert.Equal(0, watches);
        }
        finally
        {
            process.Kill();
        }
    }

    [Fact]
    public void Should_Refuse_When_TheCatalogIsMissingOrTheAddressIsNot()
    {
        var missing = Cli.Run(["serve", "--catalog", _temp.File("none.db")]);
        var badBind = Cli.Run(["serve", "--bind", "everywhere", "--catalog", Catalog]);

        Assert.Equal(1, missing.Exit);
        Assert.Contains("no catalog", missing.Err);
        Assert.Equal(2, badBind.Exit);
        Assert.Contains("--bind wants an IP address", badBind.Err);
    }

    public void Dispose() => _temp.Dispose();
}
