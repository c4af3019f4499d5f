using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>A browser test: needs the shared photos and Debian's Chromium; skipped, saying which is missing, without them.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
        else if (!File.Exists(Chromium)) Skip = $"Chromium not found at {Chromium} (apt-get install chromium; .ci/run does)";
    }

    /// <summary>The test also needs a PostgreSQL server: skipped, saying so, where PostgreSQL is not installed.</summary>
    public bool NeedsPostgres
    {
        get => false;
        init
        {
            if (value && Skip is null && PostgresServer.Binaries is null) Skip = PostgresServer.SkipReason;
        }
    }
}

/// <summary>A browser theory: as <see cref="BrowserFactAttribute"/>, for tests run at several sizes.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
        else if (!File.Exists(BrowserFactAttribute.Chromium)) Skip = $"Chromium not found at {BrowserFactAttribute.Chromium} (apt-get install chromium; .ci/run does)";
    }
}

/// <summary>
/// One catalog of deepface-tests and bbt/identities, indexed and clustered once for all tests; each test serves its
/// own copy (tests rename and merge). One headless Chromium is shared, started only where there is one: the API
/// tests speak HTTP alone and run without it.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    readonly TempFolder _temp = new();
    IPlaywright? _playwright;

    public string BaseCatalog => _temp.File("base.db");
    IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException($"no Chromium at {BrowserFactAttribute.Chromium}: a browser test must be a [BrowserFact]");

    /// <summary>Where screenshots go for a reviewer to look at (not committed).</summary>
    public static string Screenshots { get; } = Path.Combine(Datasets.RepositoryRoot, ".build", "screenshots");

    public async Task InitializeAsync()
    {
        if (!Datasets.Present) return; // every test here is a [DatasetFact] or [BrowserFact], skipped saying so
        using (var catalog = SqliteCatalog.Open(BaseCatalog))
        using (var analyzer = new FaceAnalyzer())
        {
            await new PhotoIndexer(catalog, analyzer).RunAsync([Datasets.At("deepface-tests"), Datasets.At("bbt", "identities")]);
            new PeopleService(catalog).Cluster(full: false);
        }
        if (!File.Exists(BrowserFactAttribute.Chromium)) return;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            // Background networking off: this machine has no internet, and nothing may leave it anyway.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A server on a copy of the shared catalog (or on <paramref name="catalog"/>), on a free loopback port.</summary>
    public async Task<Server> StartAsync(string? token = null, string? catalog = null)
    {
        if (catalog is null)
        {
            catalog = _temp.File($"c{Guid.NewGuid():N}.db");
            File.Copy(BaseCatalog, catalog);
        }
        var options = new ServeOptions(CatalogStores.For(catalog), IPAddress.Loopback, 0, token)
            { NewAnalyzer = () => new FaceAnalyzer(), Pictures = new PictureRenderer() };
        var app = WebServer.Build(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Server(app, address, catalog);
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
        _temp.Dispose();
    }
}

/// <summary>A running server: its address, its catalog, and a client for the API.</summary>
public sealed class Server(WebApplication app, string address, string catalog) : IAsyncDisposable
{
    public string Address { get; } = address;
    public string Catalog { get; } = catalog;
    public HttpClient Http { get; } = new() { BaseAddress = new Uri(address) };

    public async Task<JsonElement> GetJson(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>
    /// More "same person?" pairs than the test catalog's one: a face of each of the <paramref name="people"/> largest
    /// moved to a new person of its own, as clustering sometimes leaves a person in two. Returns the suggestions' count.
    /// </summary>
    public async Task<int> SplitOneFaceOffEach(int people)
    {
        var largest = (await GetJson("/api/people")).GetProperty("people").EnumerateArray().Take(people).Select(p => p.GetProperty("person").GetInt64()).ToList();
        foreach (var person in largest)
        {
            long face = (await GetJson($"/api/people/{person}")).GetProperty("faces")[0].GetProperty("face").GetInt64();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/faces/move") { Content = JsonContent.Create(new { faces = new[] { face }, to = (long?)null }) };
            request.Headers.Add("X-FaceAtlas-Request", "1");
            (await Http.SendAsync(request)).EnsureSuccessStatusCode();
        }
        return (await GetJson("/api/suggestions/page?limit=200")).GetProperty("total").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.DisposeAsync();
    }
}

public static class PageReload
{
    /// <summary>
    /// Reloads and returns once the page's own document is parsed, not once every thumbnail has come: on a loaded
    /// CI machine a grid of thumbnails made on first request can outlast the navigation timeout. Callers wait for
    /// the element they assert.
    /// </summary>
    public static Task<IResponse?> ReloadPageAsync(this IPage page) => page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });

    /// <summary>
    /// Scrolls a paged grid to its end: its "more" line (<paramref name="more"/>, a selector) brought into view until
    /// the last page hides it. Scrolled by the page's own <c>scrollIntoView</c>, not Playwright's, which waits for the
    /// line to be visible: the last page can hide it between the check and the scroll, and the wait then runs out.
    /// </summary>
    public static async Task ScrollToEndAsync(this IPage page, string more)
    {
        for (int i = 0; i < 100 && await page.Locator(more).IsVisibleAsync(); i++)
        {
            await page.EvaluateAsync("selector => document.querySelector(selector)?.scrollIntoView()", more);
            await page.WaitForTimeoutAsync(200);
        }
    }
}
