using System.Diagnostics;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using static FaceAtlas.Bench.BenchProcesses;

namespace FaceAtlas.Bench;

/// <summary>
/// What a start of `./faceatlas serve` costs on a kept big catalog, as a user meets it: started with nothing saved
/// beside the catalog (its first start ever, or the first after `forget`), started again, started after a name by
/// another program (which changes nothing people's averages are made of), and after a hide (which does). Each start:
/// when its address is printed, the first two answers of the review page and of the suggestions' page, then the server's
/// own CPU time until it has been idle for 3 s, the wall time to that, and its peak memory. The name and the hide are
/// undone at the end (two more changes in the catalog's history).
/// </summary>
internal static class BigCatalogRestarts
{
    public static async Task RunAsync(string launcher, string location)
    {
        var (person, name) = APersonNamed(location);
        var localFiles = CatalogStores.For(location).LocalFiles;
        Console.WriteLine($"### serve started again and again ({location})");
        Console.WriteLine();
        Console.WriteLine("| start | address printed | review page, 1st / 2nd | suggestions, 1st / 2nd | serve's CPU until idle | until idle | serve's peak |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        SavedLikeness.Remove(localFiles);
        await Start(launcher, location, "first start, nothing saved");
        await Start(launcher, location, "started again");
        await BigCatalog.Run(launcher, "people", "name", $"{person}", $"{name} (restarts)", "--catalog", location);
        await Start(launcher, location, "after a name by another program");
        await BigCatalog.Run(launcher, "people", "hide", $"{person}", "--catalog", location);
        await Start(launcher, location, "after a hide by another program");
        await BigCatalog.Run(launcher, "people", "unhide", $"{person}", "--catalog", location);
        await BigCatalog.Run(launcher, "people", "name", $"{person}", name, "--catalog", location);
        Console.WriteLine();
    }

    /// <summary>A named person of a few faces (a hide of them makes people's averages again; a name of them confirms few faces).</summary>
    static (long Person, string Name) APersonNamed(string location)
    {
        using var catalog = CatalogStores.For(location).Open();
        var people = catalog.PeoplePage(includeHidden: false, namedOnly: true, 100, 1).People;
        if (people.Count == 0) throw new InvalidOperationException("--restarts: the catalog has fewer than 101 named people");
        return (people[0].Id, people[0].Name!);
    }

    static async Task Start(string launcher, string location, string label)
    {
        var started = Stopwatch.StartNew();
        var (serve, address) = await StartServe(launcher, location);
        using var running = serve;
        try
        {
            var printed = started.Elapsed;
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
            var review = new[] { await Timed(http, "api/review/page?limit=12"), 0 };
            var suggestions = new[] { await Timed(http, "api/suggestions/page?limit=12"), 0 };
            review[1] = await Timed(http, "api/review/page?limit=12");
            suggestions[1] = await Timed(http, "api/suggestions/page?limit=12");
            // Idle: the server's CPU time moved less than 0.05 s in each of three seconds running.
            var cpu = Cpu(serve);
            for (int quiet = 0; quiet < 3;)
            {
                await Task.Delay(1000);
                var now = Cpu(serve);
                quiet = now - cpu < 0.05 ? quiet + 1 : 0;
                cpu = now;
            }
            var idle = started.Elapsed - TimeSpan.FromSeconds(3);
            Console.WriteLine($"| {label} | {printed.TotalSeconds:F2} s | {S(review[0])} / {S(review[1])} | {S(suggestions[0])} / {S(suggestions[1])} " +
                $"| {cpu:F1} s | {idle.TotalSeconds:F0} s | {HighWaterMark(serve.Id) / 1048576:N0} MB |");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    static string S(double seconds) => seconds >= 1 ? $"{seconds:F1} s" : $"{seconds:F3} s";

    static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    static async Task<double> Timed(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-FaceAtlas-Request", "1");
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return watch.Elapsed.TotalSeconds;
    }
}
