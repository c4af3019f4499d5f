using System.Net;
using System.Text;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// The program as users run it: through <c>./faceatlas</c>, which compiles it ahead of time (native AOT) where a C
/// compiler is present. Such a program has no reflection to fall back on, so what it serialises or binds at run time
/// (the API's JSON, the export's manifest) is checked here on the real thing; the other command tests run the
/// build beside them, or any program FACEATLAS_TEST_PROGRAM names.
/// </summary>
[Trait("Category", "Slow")] // after a source change the launcher first builds the native program: minutes
public sealed class LauncherTests : IDisposable
{
    readonly TempFolder _temp = new();
    static string Launcher => Path.Combine(Datasets.RepositoryRoot, "faceatlas");
    string Catalog => _temp.File("c.db");

    // The first run after a source change builds the program (minutes); Cli's 15-minute bound covers it.
    static (int Exit, string Out, string Err) Run(params string[] args) => Cli.RunProgram(Launcher, args);

    static List<JsonElement> JsonLines(params string[] args) => Cli.JsonLinesOf(Launcher, args);

    [DatasetFact]
    public void Should_IndexSearchAndExport_When_RunThroughTheLauncher()
    {
        // Given: a folder indexed by the launcher's program
        var indexed = Run("index", Datasets.At("bbt", "identities"), "--catalog", Catalog);
        Assert.True(indexed.Exit == 0, indexed.Err);

        // When: people listed, a photo searched for, and the people exported twice
        var people = JsonLines("people", "list", "--format", "jsonl", "--catalog", Catalog);
        var hits = JsonLines("search", Datasets.At("bbt", "identities", "penny", "penny1.png"), "--format", "jsonl", "--catalog", Catalog);
        var export = _temp.File("export");
        var first = Run("export", export, "--catalog", Catalog);
        var second = Run("export", export, "--catalog", Catalog);

        // Then: people with faces, the photo found as a person, and the second export reads the first's manifest
        Assert.NotEmpty(people);
        Assert.All(people, p => Assert.True(p.GetProperty("faces").GetInt32() > 0));
        Assert.Contains(hits, h => h.GetProperty("match").GetString() == "person");
        Assert.True(first.Exit == 0, first.Err);
        Assert.True(second.Exit == 0, second.Err);
        Assert.True(File.Exists(Path.Combine(export, ".faceatlas-export.json")), "no manifest written");
        Assert.Contains(": 0 added, ", second.Out);
    }

    [DatasetFact]
    public async Task Should_AnswerTheApiInJson_When_ServedThroughTheLauncher()
    {
        // Given: serve started through the launcher on an indexed catalog
        Assert.Equal(0, Run("index", Datasets.At("bbt", "identities"), "--catalog", Catalog).Exit);
        using var process = Cli.StartProgram(Launcher, ["serve", "--port", "0", "--catalog", Catalog], new Dictionary<string, string>());
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(15));
            Assert.NotNull(line);
            var address = line["FaceAtlas is at ".Length..].Split(' ')[0];
            using var http = new HttpClient();
            async Task<HttpResponseMessage> Post(string path, string json)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, address + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-FaceAtlas-Request", "1");
                return await http.SendAsync(request);
            }

            // When: the people read, one named, a name sent malformed, a path that is not there
            var page = JsonDocument.Parse(await http.GetStringAsync(address + "api/people")).RootElement;
            long id = page.GetProperty("people")[0].GetProperty("person").GetInt64();
            var named = await Post($"api/people/{id}/name", """{"name":"Ann"}""");
            var person = JsonDocument.Parse(await http.GetStringAsync(address + $"api/people/{id}")).RootElement;
            var malformed = await Post($"api/people/{id}/name", "{\"name\":");
            var missing = await http.GetAsync(address + "api/nothing-here");
            var status = JsonDocument.Parse(await http.GetStringAsync(address + "api/status")).RootElement;

            // Then: JSON in the API's snake_case shapes, and errors in words
            Assert.True(page.GetProperty("total").GetInt32() > 0);
            Assert.Equal("""{"ok":true}""", await named.Content.ReadAsStringAsync());
            Assert.Equal("Ann", person.GetProperty("person").GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("no such resource", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
            Assert.True(status.GetProperty("faces").GetInt32() > 0);
            Assert.True(status.TryGetProperty("catalog_bytes", out _));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public void Dispose() => _temp.Dispose();
}
