using System.Diagnostics;
using System.Text.Json;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>index-peer [--lfw N] [--rounds R]</c>: the first N photos of lfw-dev indexed, whole process against whole
/// process, by <c>./faceatlas index</c> into a new catalog file (as a user runs it: clustering included) and by
/// the JavaScript peer in bench/peers/face-api (@vladmandic/face-api on tfjs's WebAssembly backend: detection,
/// 68 landmarks, descriptor) as one process and as two processes each given half the photos (the peer's best on
/// two cores: its WebAssembly backend runs one thread in Node). Rounds alternate the three, so a change in the
/// machine's speed falls on all of them; the best round of each is compared.
/// </summary>
internal static class PeerIndex
{
    static readonly string PeerFolder = Path.Combine(BenchPaths.RepositoryRoot, "bench", "peers", "face-api");

    public static int Run(string datasets, string[] args)
    {
        int count = BenchArgs.Option(args, "--lfw", 120), rounds = BenchArgs.Option(args, "--rounds", 3);
        var launcher = Path.Combine(BenchPaths.RepositoryRoot, "faceatlas");
        InstallPeer();
        var photos = Directory.GetDirectories(Path.Combine(datasets, "lfw-dev")).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal)).Take(count).ToList();
        var temp = Directory.CreateTempSubdirectory("faceatlas-peer-").FullName;
        try
        {
            // The same photos for both: links in one folder for faceatlas, lists of the same paths for the peer.
            var folder = Directory.CreateDirectory(Path.Combine(temp, "photos")).FullName;
            foreach (var p in photos)
                File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(p)), p);
            var all = Path.Combine(temp, "all.txt");
            File.WriteAllLines(all, photos);
            var halves = new[] { 0, 1 }.Select(h =>
            {
                var list = Path.Combine(temp, $"half{h}.txt");
                File.WriteAllLines(list, photos.Where((_, i) => i % 2 == h));
                return list;
            }).ToArray();
            RunOne(launcher, ["--version"]); // builds the program if its sources changed, outside the clock

            Console.WriteLine($"{photos.Count} LFW photos, {Environment.ProcessorCount} cores, {rounds} rounds; wall time of whole processes, start-up included");
            // The first index on a machine optimises the models and keeps the graphs; every later command opens them.
            var graphs = FaceAtlas.Vision.GraphCache.FromEnvironment()?.Folder;
            bool kept = graphs is not null && Directory.Exists(graphs) && Directory.EnumerateDirectories(graphs).Any();
            Console.WriteLine(graphs is null ? "faceatlas keeps no optimised graphs (FACEATLAS_CACHE=off)"
                : $"optimised graphs in {graphs}: {(kept ? "some kept by earlier runs" : "none yet (round 1 makes them)")}");
            Console.WriteLine("| round | program | processes | wall | photos/s | faces | peer's photos/s after its start-up |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            double best = 0, bestPeer = 0;
            for (int round = 1; round <= rounds; round++)
            {
                var catalog = Path.Combine(temp, $"round{round}.db");
                var clock = Stopwatch.StartNew();
                var report = RunOne(launcher, ["index", folder, "--catalog", catalog]).Single();
                var ours = clock.Elapsed;
                int faces = FacesIn(report);
                best = Math.Max(best, photos.Count / ours.TotalSeconds);
                Console.WriteLine($"| {round} | faceatlas index | 1 | {ours.TotalSeconds:F2} s | {photos.Count / ours.TotalSeconds:F1} | {faces} | |");
                foreach (var lists in new[] { new[] { all }, halves })
                {
                    clock.Restart();
                    var lines = RunAll(lists.Select(l => ("node", new[] { "index.cjs", l })).ToList());
                    var wall = clock.Elapsed;
                    var results = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
                    double inside = results.Max(r => r.GetProperty("seconds").GetDouble());
                    int peerFaces = results.Sum(r => r.GetProperty("faces").GetInt32());
                    bestPeer = Math.Max(bestPeer, photos.Count / wall.TotalSeconds);
                    Console.WriteLine($"| {round} | face-api 1.7.15 wasm | {lists.Length} | {wall.TotalSeconds:F2} s | {photos.Count / wall.TotalSeconds:F2} | {peerFaces} | {photos.Count / inside:F2} |");
                }
            }
            Console.WriteLine();
            Console.WriteLine($"best whole process: faceatlas {best:F1} photos/s, face-api {bestPeer:F2} photos/s: **{best / bestPeer:F1}x**");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
        return 0;
    }

    /// <summary>The peer's pinned packages (package-lock.json), installed once with npm ci.</summary>
    static void InstallPeer()
    {
        if (Directory.Exists(Path.Combine(PeerFolder, "node_modules", "@vladmandic", "face-api"))) return;
        Console.Error.WriteLine("bench: npm ci in bench/peers/face-api (once)");
        RunAll([("npm", ["ci", "--no-audit", "--no-fund", "--silent"])]);
    }

    /// <summary>The faces faceatlas index found, from its report's line "faces N found now; ...".</summary>
    static int FacesIn(string report) =>
        report.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length > 1 && w[0] == "faces" && int.TryParse(w[1], out _)).Select(w => int.Parse(w[1])).FirstOrDefault(-1);

    static List<string> RunOne(string program, string[] args) => RunAll([(program, args)]);

    /// <summary>Starts the processes at once, waits for all; each one's whole output, or an exception saying which failed.</summary>
    static List<string> RunAll(List<(string Program, string[] Args)> commands)
    {
        var started = commands.Select(c =>
        {
            var info = new ProcessStartInfo(c.Program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PeerFolder };
            foreach (var a in c.Args) info.ArgumentList.Add(a);
            var p = Process.Start(info)!;
            return (Process: p, Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync(), c.Program);
        }).ToList();
        var outputs = new List<string>();
        foreach (var (p, output, error, program) in started)
        {
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{program} exited {p.ExitCode}: {error.Result}");
            outputs.Add(output.Result.Trim());
            p.Dispose();
        }
        return outputs;
    }
}
