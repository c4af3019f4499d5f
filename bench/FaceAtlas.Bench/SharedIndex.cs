using System.Diagnostics;
using FaceAtlas.Testing;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>shared-index [--lfw N]</c>: the same LFW photos indexed by the real program, whole process against whole
/// process, into a new catalog file, into a new PostgreSQL catalog by one worker, and by two workers at once
/// (one thread each, so the two share this machine's cores as one worker's threads do); side by side in one run,
/// with the ratio to the file. The server is a private one (initdb in a temporary folder, Unix socket, fsync off,
/// as the tests run it): what is measured is the catalog's cost, not a disk's.
/// </summary>
internal static class SharedIndex
{
    public static int Run(string datasets, string[] args)
    {
        int photos = BenchArgs.Option(args, "--lfw", 2000);
        var program = Path.Combine(BenchPaths.RepositoryRoot, ".build", "app", "faceatlas"); // what ./faceatlas runs
        if (!File.Exists(program)) throw new FileNotFoundException($"build the program first (./faceatlas --version): {program}");
        if (PostgresServer.Binaries is null) throw new InvalidOperationException(PostgresServer.SkipReason);
        var roots = new List<string>();
        int count = 0;
        foreach (var dir in Directory.GetDirectories(Path.Combine(datasets, "lfw-dev")).Order(StringComparer.Ordinal))
        {
            if (count >= photos) break;
            roots.Add(dir);
            count += Directory.GetFiles(dir).Length;
        }
        var temp = Directory.CreateTempSubdirectory("faceatlas-bench-").FullName;
        using var server = new PostgresServer();
        try
        {
            Console.WriteLine($"{count} LFW photos, {Environment.ProcessorCount} cores; faceatlas index --no-cluster, whole process");
            Console.WriteLine("| catalog | workers | wall | photos/s | ratio to the file |");
            Console.WriteLine("|---|---|---|---|---|");
            var file = Time(program, roots, Path.Combine(temp, "catalog.db"), workers: 1);
            Row("SQLite file", 1, file, file, count);
            var one = Time(program, roots, server.NewDatabase(), workers: 1);
            Row("PostgreSQL", 1, one, file, count);
            var two = Time(program, roots, server.NewDatabase(), workers: 2);
            Row("PostgreSQL", 2, two, file, count);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
        return 0;
    }

    static void Row(string catalog, int workers, TimeSpan wall, TimeSpan file, int photos) =>
        Console.WriteLine($"| {catalog} | {workers} | {wall.TotalSeconds:F1} s | {photos / wall.TotalSeconds:F1} | {file.TotalSeconds / wall.TotalSeconds:F2} |");

    /// <summary>Starts <paramref name="workers"/> index processes at once (one thread each when several) and waits for all.</summary>
    static TimeSpan Time(string program, IReadOnlyList<string> roots, string catalog, int workers)
    {
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers).Select(_ =>
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            string[] args = ["index", .. roots, "--catalog", catalog, "--no-cluster"];
            foreach (var a in args) info.ArgumentList.Add(a);
            if (workers > 1) { info.ArgumentList.Add("--threads"); info.ArgumentList.Add("1"); }
            var p = Process.Start(info)!;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            return p;
        }).ToList();
        foreach (var p in processes)
        {
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"index into {catalog} exited {p.ExitCode}");
        }
        return clock.Elapsed;
    }
}
