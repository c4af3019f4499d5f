using System.Diagnostics;
using FaceAtlas.Vision;

namespace FaceAtlas.Bench;

/// <summary>Detector cost per megapixel for one pass at different window sizes (one thread).</summary>
internal static class WindowBenchmark
{
    /// <summary><paramref name="detectorModel"/>: another build of fr_detect.onnx to time (the int8 experiment, docs/BENCHMARKS.md).</summary>
    public static int Run(string datasets, string? detectorModel = null)
    {
        var model = detectorModel ?? Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Detector);
        using var detector = new UltraFaceDetector(model, ModelSessions.Uncached);
        using var photo = PhotoDecoder.Decode(File.ReadAllBytes(Path.Combine(datasets, "group-photos", "deepface_couple.jpg")));
        Console.WriteLine("| window | passes | ms per pass | ms per megapixel |");
        Console.WriteLine("|---|---|---|---|");
        var found = new List<Detection>();
        foreach (var (w, h) in new[] { (320, 240), (448, 320), (640, 448), (640, 512), (960, 704), (1280, 960), (1600, 1216) })
        {
            for (int i = 0; i < 3; i++) detector.DetectWindow(photo.Image, 0, 0, w, h, 0.65f, found);
            int passes = Math.Max(5, 40_000_000 / (w * h));
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < passes; i++) detector.DetectWindow(photo.Image, 0, 0, w, h, 0.65f, found);
            double ms = watch.Elapsed.TotalMilliseconds / passes;
            Console.WriteLine($"| {w}x{h} | {passes} | {ms:F2} | {ms / (w * h / 1e6):F1} |");
        }
        using var large = photo.Image.Resize(2000, 1500);
        foreach (var (w, h) in new[] { (320, 240), (600, 450), (1600, 1200) })
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++) large.Resize(w, h).Dispose();
            Console.WriteLine($"resize 2000x1500 -> {w}x{h}: {watch.Elapsed.TotalMilliseconds / 10:F1} ms");
        }
        var buffer = new float[3 * 1600 * 1216];
        var fill = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) UltraFaceDetector.FillInput(large, 0, 0, 1600, 1216, buffer);
        Console.WriteLine($"fill 1600x1216: {fill.Elapsed.TotalMilliseconds / 10:F1} ms");
        var scaled = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) UltraFaceDetector.FillInputScaled(large, 0.8, 0, 0, 1600, 1216, buffer);
        Console.WriteLine($"fill 1600x1216 sampled at 0.8 from 2000x1500: {scaled.Elapsed.TotalMilliseconds / 10:F1} ms");
        return 0;
    }
}
