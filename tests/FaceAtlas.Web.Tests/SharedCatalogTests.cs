using FaceAtlas.Core.Application;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Storage;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>
/// The web app on a PostgreSQL catalog (a private server the tests start) that index workers share: the same
/// pages and API, and a status that names each worker with its progress.
/// </summary>
public sealed class SharedCatalogTests(WebFixture fixture, PostgresServer postgres) : IClassFixture<WebFixture>, IClassFixture<PostgresServer>
{
    /// <summary>The fixture's catalog copied to a new database on the server.</summary>
    string OnServer()
    {
        var uri = postgres.NewDatabase();
        new CatalogCopyService(CatalogStores.For(fixture.BaseCatalog), CatalogStores.For(uri)).Copy();
        return uri;
    }

    [PostgresFact(NeedsDatasets = true)]
    public async Task Should_ListEachWorkerWithItsProgress_When_TwoIndexIntoTheCatalog()
    {
        var uri = OnServer();
        await using var server = await fixture.StartAsync(catalog: uri);
        var idle = await server.GetJson("/api/status");
        Assert.False(idle.GetProperty("indexing").GetBoolean());
        Assert.Equal(0, idle.GetProperty("workers").GetArrayLength());

        using var first = CatalogStores.For(uri).OpenForWriting();
        using var second = CatalogStores.For(uri).OpenForWriting();
        await Task.Delay(50); // a worker's progress is newer than its start
        first.Publish(new IndexProgress(40, 100, 55, 0, TimeSpan.FromSeconds(4)));
        second.Publish(new IndexProgress(20, 100, 21, 2, TimeSpan.FromSeconds(4)));
        var busy = await server.GetJson("/api/status");

        Assert.True(busy.GetProperty("indexing").GetBoolean());
        Assert.Equal(60, busy.GetProperty("progress").GetProperty("photos_done").GetInt32());
        Assert.Equal(76, busy.GetProperty("progress").GetProperty("faces_found").GetInt32());
        var workers = busy.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal(Environment.MachineName, w.GetProperty("host").GetString()));
        Assert.Equal([40, 20], workers.Select(w => w.GetProperty("photos_done").GetInt32()));
        Assert.Equal([10.0, 4.5], workers.Select(w => w.GetProperty("photos_per_second").GetDouble())); // photos analysed in the worker's time
        // The rest of the app reads the server as it reads a file.
        Assert.True((await server.GetJson("/api/people")).GetProperty("people").GetArrayLength() > 0);
    }

    [BrowserFact(NeedsPostgres = true)]
    public async Task Should_ShowTheWorkersOnTheStatusPage_When_AnIndexIsShared()
    {
        var uri = OnServer();
        await using var server = await fixture.StartAsync(catalog: uri);
        using var first = CatalogStores.For(uri).OpenForWriting();
        using var second = CatalogStores.For(uri).OpenForWriting();
        await Task.Delay(50);

        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            // Published again before each page, as a live worker does every 2 s: on a loaded machine the first page
            // took long enough for the workers to pass the 30 s after which a silent worker counts as gone.
            first.Publish(new IndexProgress(1200, 5000, 1480, 0, TimeSpan.FromSeconds(60)));
            second.Publish(new IndexProgress(950, 5000, 1102, 3, TimeSpan.FromSeconds(60)));
            var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
            await page.GotoAsync(server.Address + "/#/status");
            var rows = page.Locator("#workers tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#indexing")).ToContainTextAsync("2150 of 5000 photos");
            await Assertions.Expect(rows.First).ToContainTextAsync(Environment.MachineName);
            await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, $"status-workers-{width}.png"), FullPage = true });
            await page.CloseAsync();
        }
    }
}
