using System.Diagnostics;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Storage;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Bench;

/// <summary>
/// Indexing throughput, per stage, with 1 and 2 threads: on LFW crops (250x250) and on 12 MP JPEGs made from the
/// full-size photos of deepface-tests; also the cost of finding 40-pixel faces (default) against 100-pixel ones,
/// and a re-run on the unchanged folder.
/// </summary>
internal static class IndexBenchmark
{
    sealed record Row(string Data, int Threads, float MinFace, int Photos, int Faces, double Seconds, StageClock Clock, double PeakMb);

    public static async Task<int> RunAsync(string datasets, string[] args)
    {
        int lfwCount = BenchArgs.Option(args, "--lfw", 2000), largeCount = BenchArgs.Option(args, "--large", 57);
        var work = Path.Combine(Path.GetTempPath(), "faceatlas-bench");
        Directory.CreateDirectory(work);

        var lfw = Path.Combine(work, "lfw");
        LinkLfw(datasets, lfw, lfwCount);
        var large = Path.Combine(work, "large-12mp");
        MakeLargeJpegs(datasets, large, largeCount);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"data: {Directory.GetFiles(lfw, "*", SearchOption.AllDirectories).Length} LFW photos (250x250), " +
                          $"{Directory.GetFiles(large).Length} JPEGs of 4000x3000 made from deepface-tests");
        Console.WriteLine();

        var rows = new List<Row>();
        if (BenchArgs.Value(args, "--ratios") is { } ratios)
            return await CompareDetection(large, work, "level ratio", ratios, (o, v) => o with { LevelRatio = v });
        if (BenchArgs.Value(args, "--scout") is { } scouts)
            return await CompareDetection(large, work, "scout ratio", scouts, (o, v) => o with { ScoutRatio = v });
        foreach (var threads in new[] { 1, 2 })
            rows.Add(await Measure("LFW 250x250", lfw, threads, 40, work));
        foreach (var threads in new[] { 1, 2 })
            rows.Add(await Measure("12 MP JPEG", large, threads, 40, work));
        rows.Add(await Measure("12 MP JPEG", large, 2, 100, work));

        Console.WriteLine($"| data | threads | min face | photos | faces | photos/s | read | decode | detect | landmarks | embed | attributes | store | peak MB |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            string Ms(Stage s) => $"{r.Clock.Total(s).TotalMilliseconds / r.Photos:F1}";
            Console.WriteLine($"| {r.Data} | {r.Threads} | {r.MinFace} px | {r.Photos} | {r.Faces} | {r.Photos / r.Seconds:F1} | " +
                              $"{Ms(Stage.Read)} | {Ms(Stage.Decode)} | {Ms(Stage.Detect)} | {Ms(Stage.Landmarks)} | {Ms(Stage.Embed)} | {Ms(Stage.Attributes)} | {Ms(Stage.Store)} | {r.PeakMb:F0} |");
        }
        Console.WriteLine("(stage columns: milliseconds of one core per photo, summed over threads)");
        Console.WriteLine();

        double Rate(string data, int threads, float minFace) =>
            rows.Where(r => r.Data == data && r.Threads == threads && r.MinFace == minFace).Select(r => r.Photos / r.Seconds).Single();
        Console.WriteLine("| ratio | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| LFW: 2 threads / 1 thread | {Rate("LFW 250x250", 2, 40) / Rate("LFW 250x250", 1, 40):F2}x |");
        Console.WriteLine($"| 12 MP: 2 threads / 1 thread | {Rate("12 MP JPEG", 2, 40) / Rate("12 MP JPEG", 1, 40):F2}x |");
        Console.WriteLine($"| 12 MP: min face 100 px / 40 px (2 threads) | {Rate("12 MP JPEG", 2, 100) / Rate("12 MP JPEG", 2, 40):F2}x |");

        // Re-run on the unchanged folder, against the first run of the same folder.
        var catalogPath = Path.Combine(work, "rerun.db");
        DeleteCatalog(catalogPath);
        var first = await TimeRun(lfw, catalogPath, 2, 40);
        var second = await TimeRun(lfw, catalogPath, 2, 40);
        Console.WriteLine($"| LFW re-run unchanged: first {first:F2} s / second {second:F3} s | {first / second:F0}x faster |");
        return 0;
    }

    /// <summary>
    /// 12 MP photos, two threads, under different settings of the detection pyramid (<paramref name="values"/>, a
    /// comma-separated list, each applied by <paramref name="apply"/>): speed and faces found, side by side.
    /// </summary>
    static async Task<int> CompareDetection(string large, string work, string setting, string values,
        Func<DetectionOptions, float, DetectionOptions> apply)
    {
        var settings = values.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var rows = new List<Row>();
        foreach (var value in settings)
            rows.Add(await Measure($"12 MP JPEG, {setting} {value}", large, 2, 40, work, o => apply(o, value)));
        Console.WriteLine($"| {setting} | photos | faces | photos/s | decode ms/photo | detect ms/photo |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (value, r) in settings.Zip(rows))
            Console.WriteLine($"| {value} | {r.Photos} | {r.Faces} | {r.Photos / r.Seconds:F1} | {r.Clock.Total(Stage.Decode).TotalMilliseconds / r.Photos:F1} | " +
                              $"{r.Clock.Total(Stage.Detect).TotalMilliseconds / r.Photos:F1} |");
        // Each setting's mean rate against the first setting's: the rows of one setting may be spread over the run.
        double Mean(float value) => settings.Zip(rows).Where(p => p.First == value).Average(p => p.Second.Photos / p.Second.Seconds);
        foreach (var value in settings.Distinct().Skip(1))
            Console.WriteLine($"| {setting} {value} / {settings[0]}, mean photos/s | | | {Mean(value) / Mean(settings[0]):F2}x | | |");
        return 0;
    }

    static async Task<Row> Measure(string data, string folder, int threads, float minFace, string work,
        Func<DetectionOptions, DetectionOptions>? tweak = null)
    {
        var catalogPath = Path.Combine(work, $"bench-{threads}-{minFace}.db");
        DeleteCatalog(catalogPath);
        using var catalog = SqliteCatalog.Open(catalogPath);
        var options = DetectionOptions.Default with { MinFaceSize = minFace };
        if (tweak is not null) options = tweak(options);
        using var analyzer = new FaceAnalyzer(options: options);
        var indexer = new PhotoIndexer(catalog, analyzer, new IndexOptions { Threads = threads });
        using var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        var summary = await indexer.RunAsync([folder]);
        watch.Stop();
        process.Refresh();
        Console.Error.WriteLine($"bench: {data}, {threads} threads, min face {minFace}: {summary.PhotosAnalysed} photos in {watch.Elapsed.TotalSeconds:F1} s");
        return new Row(data, threads, minFace, summary.PhotosAnalysed, summary.FacesFound, watch.Elapsed.TotalSeconds, indexer.Clock,
            process.PeakWorkingSet64 / 1048576.0);
    }

    static async Task<double> TimeRun(string folder, string catalogPath, int threads, float minFace)
    {
        using var catalog = SqliteCatalog.Open(catalogPath);
        using var analyzer = new FaceAnalyzer(options: DetectionOptions.Default with { MinFaceSize = minFace });
        var watch = Stopwatch.StartNew();
        await new PhotoIndexer(catalog, analyzer, new IndexOptions { Threads = threads }).RunAsync([folder]);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Removes a catalog and its WAL, shared-memory and lock files, so a run starts from nothing.</summary>
    internal static void DeleteCatalog(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
            File.Delete(path + suffix);
    }

    /// <summary>Symbolic links to the first LFW people's folders (read in place, never copied).</summary>
    static void LinkLfw(string datasets, string target, int photos)
    {
        if (Directory.Exists(target)) Directory.Delete(target, true);
        Directory.CreateDirectory(target);
        int count = 0;
        foreach (var person in Directory.GetDirectories(Path.Combine(datasets, "lfw-dev")).Order(StringComparer.Ordinal))
        {
            if (count >= photos) break;
            Directory.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(person)), person);
            count += Directory.GetFiles(person).Length;
        }
    }

    /// <summary>4000x3000 JPEGs (quality 90) made by resizing the full-size deepface-tests photos to 4:3.</summary>
    internal static void MakeLargeJpegs(string datasets, string target, int count)
    {
        Directory.CreateDirectory(target);
        var sources = Directory.GetFiles(Path.Combine(datasets, "deepface-tests"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg") || f.EndsWith(".png")).Order(StringComparer.Ordinal).Take(count).ToList();
        for (int i = 0; i < sources.Count; i++)
        {
            var file = Path.Combine(target, $"large-{i:D3}.jpg");
            if (File.Exists(file)) continue;
            using var source = SKBitmap.Decode(sources[i]);
            if (source is null) continue;
            using var big = source.Resize(new SKImageInfo(4000, 3000), new SKSamplingOptions(SKCubicResampler.Mitchell));
            using var data = big.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(file, data.ToArray());
        }
    }
}
