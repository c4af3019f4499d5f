using System.Diagnostics;
using Microsoft.Playwright;
using static FaceAtlas.Bench.BenchProcesses;

namespace FaceAtlas.Bench;

/// <summary>
/// The web app's pages opened in Debian's Chromium on a big catalog, as a person would: each page at a desktop's and
/// a phone's size, timed from the address typed to the first face (or photo) on screen, its picture loaded; then the
/// page scrolled to its end a few times, as a person scrolls on, counting the pictures it then holds and its height.
/// At each size the pages are opened twice, the face thumbnails not yet made (the thumbnail folder is removed before
/// that size's first round; a page's thumbnails may still have been made by a page before it) and then made. A
/// screenshot of each goes to <c>.build/screenshots/big-catalog/</c> for a person to look at. The catalog's photos
/// must be pictures (`big-catalog N --pictures`), else every thumbnail is a broken image and "first face" never comes.
/// </summary>
internal static class BigCatalogPages
{
    const string Chromium = "/usr/bin/chromium";

    /// <summary>A visible picture of the page's content, loaded: a face thumbnail or a photo.</summary>
    const string FirstPictureShown = """
        () => [...document.querySelectorAll('#main img')].some(i => i.complete && i.naturalWidth > 0
              && i.getBoundingClientRect().top < innerHeight && i.getBoundingClientRect().bottom > 0)
        """;

    public static async Task RunAsync(string launcher, string catalog, long largest, int scrolls = 5)
    {
        if (!File.Exists(Chromium))
        {
            Console.WriteLine($"pages: not measured, no Chromium at {Chromium} (apt-get install chromium)");
            return;
        }
        var shots = Path.Combine(BenchPaths.RepositoryRoot, ".build", "screenshots", "big-catalog");
        Directory.CreateDirectory(shots);
        var thumbnails = FaceAtlas.Storage.CatalogStores.For(catalog).LocalFiles + ".thumbs";
        var (serve, served) = await StartServe(launcher, catalog);
        using var running = serve;
        var address = served.TrimEnd('/');
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            (string Name, string Hash)[] pages =
            [
                ("People", "#/people"), ("The largest person", $"#/person/{largest}"), ("The largest person's photos", $"#/photos/{largest}"),
                ("Photos (every one)", "#/photos"), ("Review", "#/review"), ("Suggestions", "#/suggestions"),
            ];
            (string Name, BrowserNewContextOptions Options)[] sizes =
            [
                ("desktop", new() { ViewportSize = new() { Width = 1366, Height = 900 } }),
                ("phone", new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2 }),
            ];
            Console.WriteLine("### pages in Chromium");
            Console.WriteLine();
            Console.WriteLine($"| page | size | visit | first picture on screen | page settled | pictures after {scrolls} scrolls to the end | of them loaded | page height |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var (size, options) in sizes)
                foreach (var visit in new[] { "thumbnails not made", "thumbnails made" })
                {
                    // A size's first visits make their thumbnails as a new library's are: those made before are removed.
                    if (visit.EndsWith("not made")) await RemoveThumbnails(thumbnails);
                    foreach (var (name, hash) in pages)
                    {
                        await using var context = await browser.NewContextAsync(options);
                        var page = await context.NewPageAsync();
                        page.SetDefaultTimeout(60_000);
                        var watch = Stopwatch.StartNew();
                        await page.GotoAsync($"{address}/{hash}");
                        var first = await FirstPicture(page, watch);
                        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                        var settled = watch.Elapsed.TotalMilliseconds - 500; // network idle is 500 ms of quiet
                        var file = $"{hash.Trim('#', '/').Replace('/', '-')}-{size}{(visit.EndsWith("not made") ? "" : "-again")}.png";
                        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, file) });
                        for (int i = 0; i < scrolls; i++)
                        {
                            await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
                            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                            await page.WaitForTimeoutAsync(300);
                        }
                        var held = await page.EvaluateAsync<int[]>("""
                            () => { const all = [...document.querySelectorAll('#main img')];
                                    return [all.length, all.filter(i => i.complete && i.naturalWidth > 0).length, document.documentElement.scrollHeight]; }
                            """);
                        Console.WriteLine($"| {name} | {size} | {visit} | {first} | {Ms(settled)} | {held[0]:N0} | {held[1]:N0} | {held[2]:N0} px |");
                    }
                }
            Console.WriteLine();
            Console.WriteLine($"serve's peak memory: {HighWaterMark(serve.Id) / 1048576:N0} MB; screenshots in {shots}");
            Console.WriteLine();
        }
        finally
        {
            // also when a page fails: no server left running on the catalog
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The time to the first picture on screen; "none" when the page has settled (a second after its network fell
    /// quiet) showing none.
    /// </summary>
    static async Task<string> FirstPicture(IPage page, Stopwatch watch)
    {
        var shown = page.WaitForFunctionAsync(FirstPictureShown, null, new() { PollingInterval = 10, Timeout = 120_000 });
        var settled = page.WaitForLoadStateAsync(LoadState.NetworkIdle).ContinueWith(_ => Task.Delay(1000)).Unwrap();
        if (await Task.WhenAny(shown, settled) == shown || await page.EvaluateAsync<bool>(FirstPictureShown))
        {
            var at = watch.Elapsed.TotalMilliseconds;
            await shown;
            return Ms(at);
        }
        var said = await page.EvaluateAsync<string>("() => (document.querySelector('#main')?.innerText ?? '').trim().split('\\n')[0]");
        return $"none (the page says “{said}”)";
    }

    static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F1} s" : $"{ms:F0} ms";

    /// <summary>
    /// The thumbnails made so far, removed; the server may still be making some that the last page asked for (the
    /// page closed before they came), so a folder that fills again as it is removed is removed again.
    /// </summary>
    static async Task RemoveThumbnails(string thumbnails)
    {
        for (int attempt = 1; Directory.Exists(thumbnails); attempt++)
        {
            try
            {
                Directory.Delete(thumbnails, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
