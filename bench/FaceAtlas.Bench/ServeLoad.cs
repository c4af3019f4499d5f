using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using static FaceAtlas.Bench.BenchProcesses;

namespace FaceAtlas.Bench;

/// <summary>
/// `serve` under load as several people use it: the real program (the launcher's build) serving a catalog of
/// deepface-tests while `index` adds LFW photos to the same catalog, and many clients at once asking for the people
/// list, person pages, thumbnails, photo previews, photo pages, the status and search uploads, a fixed number of
/// requests in all. A few stalled clients (a request's headers half sent, never finished) are held open the whole
/// time. Reports requests per second, p50/p99 latency by kind, errors, and serve's peak memory (VmHWM).
/// </summary>
internal static class ServeLoad
{
    sealed record Outcome(string Kind, double Milliseconds, bool Ok, string? Error);

    public static async Task<int> RunAsync(string datasets, string[] args)
    {
        int clients = BenchArgs.Option(args, "--clients", 50), requests = BenchArgs.Option(args, "--requests", 5_000), lfwPeople = BenchArgs.Option(args, "--index-people", 800);
        string launcher = Path.Combine(BenchPaths.RepositoryRoot, "faceatlas");
        var work = Directory.CreateTempSubdirectory("faceatlas-serve-load-").FullName;
        try
        {
            var catalog = Path.Combine(work, "c.db");
            Run(launcher, "index", Path.Combine(datasets, "deepface-tests"), Path.Combine(datasets, "bbt", "identities"), "--catalog", catalog);
            var (serve, address) = await StartServe(launcher, catalog);
            using var running = serve;
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            var people = (await http.GetFromJsonElement("api/people?limit=1000")).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("person").GetInt64()).ToList();
            var faces = new List<(long Photo, long Face)>();
            foreach (long person in people)
                foreach (var f in (await http.GetFromJsonElement($"api/people/{person}")).GetProperty("faces").EnumerateArray())
                    faces.Add((f.GetProperty("photo").GetInt64(), f.GetProperty("face").GetInt64()));
            var upload = await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(datasets, "deepface-tests", "person_01")).Order(StringComparer.Ordinal).First());

            var folders = Directory.GetDirectories(Path.Combine(datasets, "lfw-dev")).Order(StringComparer.Ordinal).Take(lfwPeople).ToArray();
            using var index = Start(launcher, ["index", .. folders, "--catalog", catalog]);
            _ = index.StandardOutput.ReadToEndAsync();
            _ = index.StandardError.ReadToEndAsync();
            var stalled = await Stall(address, 5);

            int next = -1;
            var outcomes = new List<Outcome>(requests);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
            {
                var random = new Random(client);
                for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    var (photo, face) = faces[random.Next(faces.Count)];
                    var (kind, request) = (i % 20) switch
                    {
                        0 => ("search upload", new HttpRequestMessage(HttpMethod.Post, "api/search") { Content = new MultipartFormDataContent { { new ByteArrayContent(upload), "photo", "q.jpg" } } }),
                        1 or 2 => ("people list", new HttpRequestMessage(HttpMethod.Get, "api/people")),
                        3 or 4 => ("person page", new HttpRequestMessage(HttpMethod.Get, $"api/people/{people[random.Next(people.Count)]}")),
                        5 => ("status", new HttpRequestMessage(HttpMethod.Get, "api/status")),
                        6 or 7 or 8 => ("photo preview", new HttpRequestMessage(HttpMethod.Get, $"api/photos/{photo}/image?size=320")),
                        9 => ("photo page", new HttpRequestMessage(HttpMethod.Get, $"api/photos/{photo}")),
                        _ => ("thumbnail", new HttpRequestMessage(HttpMethod.Get, $"api/faces/{face}/thumbnail")),
                    };
                    request.Headers.Add("X-FaceAtlas-Request", "1");
                    var started = Stopwatch.GetTimestamp();
                    Outcome outcome;
                    try
                    {
                        using var response = await http.SendAsync(request);
                        await response.Content.ReadAsByteArrayAsync();
                        outcome = new(kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode == HttpStatusCode.OK,
                            response.StatusCode == HttpStatusCode.OK ? null : $"{kind}: {(int)response.StatusCode}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        outcome = new(kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, false, $"{kind}: {e.Message}");
                    }
                    lock (outcomes) outcomes.Add(outcome);
                }
            }));
            var elapsed = watch.Elapsed;
            bool indexRanThroughout = !index.HasExited;
            long peak = HighWaterMark(serve.Id);
            serve.Kill(entireProcessTree: true);
            await index.WaitForExitAsync();
            foreach (var socket in stalled) socket.Dispose();

            Console.WriteLine($"serve-load: {requests:N0} requests from {clients} clients (and {stalled.Count} stalled connections held open), " +
                $"index of {folders.Length} LFW people running {(indexRanThroughout ? "throughout" : "for part of it (it ended first)")}; index exit {index.ExitCode}");
            Console.WriteLine();
            Console.WriteLine("| requests | count | errors | p50 ms | p99 ms |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var group in outcomes.GroupBy(o => o.Kind).OrderBy(g => g.Key).Append(outcomes.GroupBy(_ => "all").Single()))
            {
                var ms = group.Select(o => o.Milliseconds).Order().ToList();
                Console.WriteLine($"| {group.Key} | {ms.Count:N0} | {group.Count(o => !o.Ok)} | {ms[ms.Count / 2]:F1} | {ms[(int)(ms.Count * 0.99)]:F1} |");
            }
            Console.WriteLine();
            Console.WriteLine($"{requests / elapsed.TotalSeconds:F1} requests/s over {elapsed.TotalSeconds:F1} s; errors {outcomes.Count(o => !o.Ok)}; serve's peak memory {peak / 1048576.0:F0} MB");
            foreach (var error in outcomes.Where(o => !o.Ok).Select(o => o.Error).Distinct().Take(10)) Console.WriteLine($"  {error}");
            return outcomes.All(o => o.Ok) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Connections that send half a request's headers and then nothing: a stalled client.</summary>
    static async Task<List<Socket>> Stall(string address, int count)
    {
        var uri = new Uri(address);
        var sockets = new List<Socket>();
        for (int i = 0; i < count; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(uri.Host, uri.Port);
            await socket.SendAsync("GET /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
            sockets.Add(socket);
        }
        return sockets;
    }

    static void Run(string program, params string[] args)
    {
        using var process = Start(program, args);
        process.StandardOutput.ReadToEnd();
        var err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"faceatlas {string.Join(' ', args.Take(2))} exited {process.ExitCode}: {err}");
    }
}
