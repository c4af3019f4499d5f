using System.Diagnostics;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>bench -- resize [--rounds N]</c>: the resizes every photo and face goes through, Skia's <c>ScalePixels</c> beside
/// <see cref="BilinearScaler"/> and <see cref="MipmapScaler"/> (which follow its sampling to one grey level), one
/// thread, alternating rounds: an LFW photo stretched into the detector's 320x240, and square crops of several sizes
/// from a 1600-pixel decode shrunk to the face models' 64x64. Prints milliseconds and the ratio.
/// </summary>
internal static class ResizeBenchmark
{
    public static int Run(string datasets, string[] args)
    {
        int rounds = BenchArgs.Option(args, "--rounds", 3);
        var lfw = Directory.EnumerateFiles(Path.Combine(datasets, "lfw-dev"), "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(200)
            .Select(f => PhotoDecoder.Decode(File.ReadAllBytes(f), 1, FaceAnalyzer.MinDecodedLongSide, DecodeLimits.Default)).ToList();
        var largest = Directory.EnumerateFiles(Path.Combine(datasets, "deepface-tests"), "*.jpg", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();
        using var large = PhotoDecoder.Decode(File.ReadAllBytes(largest), 1, FaceAnalyzer.MinDecodedLongSide, DecodeLimits.Default);
        Console.WriteLine($"{lfw.Count} LFW photos; crops from {Path.GetFileName(Path.GetDirectoryName(largest))}/{Path.GetFileName(largest)} " +
                          $"decoded at {large.Image.Width}x{large.Image.Height}; one thread, {rounds} rounds, best of each");

        var cases = new List<(string Name, Action Skia, Action Ours, int Repeat)>
        {
            ("LFW photo to 320x240 (detector)", () => { foreach (var p in lfw) SkiaScaled(p.Image, 320, 240).Dispose(); },
                () => { foreach (var p in lfw) p.Image.ResizeOnce(320, 240).Dispose(); }, lfw.Count),
        };
        foreach (int side in new[] { 110, 221, 256, 400, 601 })
        {
            var crop = new SKRectI(10, 10, 10 + side, 10 + side);
            cases.Add(($"{side}x{side} crop to 64x64", () => { for (int i = 0; i < 100; i++) SkiaCrop(large.Image, crop, 64); },
                () => { for (int i = 0; i < 100; i++) Ours(large.Image, crop, 64); }, 100));
        }

        Console.WriteLine("| resize | Skia, ms | ours, ms | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, skia, ours, repeat) in cases)
        {
            skia();
            ours();
            double bestSkia = double.MaxValue, bestOurs = double.MaxValue;
            for (int round = 0; round < rounds; round++)
            {
                bestSkia = Math.Min(bestSkia, Time(skia) / repeat);
                bestOurs = Math.Min(bestOurs, Time(ours) / repeat);
            }
            Console.WriteLine($"| {name} | {bestSkia:F3} | {bestOurs:F3} | {bestSkia / bestOurs:F2}x |");
        }
        Console.WriteLine($"(a crop is taken by {nameof(MipmapScaler)} up to {MipmapScaler.FastestUpTo} pixels, by Skia above)");
        foreach (var p in lfw) p.Dispose();
        return 0;
    }

    static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    static PixelImage SkiaScaled(PixelImage image, int width, int height)
    {
        var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        image.Bitmap.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        return new PixelImage(scaled);
    }

    /// <summary>What a face crop cost before: a subset, scaled by Skia with linear mipmaps, copied out.</summary>
    static byte[] SkiaCrop(PixelImage image, SKRectI crop, int side)
    {
        using var subset = new SKBitmap();
        image.Bitmap.ExtractSubset(subset, crop);
        using var scaled = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        subset.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return scaled.GetPixelSpan().ToArray();
    }

    /// <summary><see cref="MipmapScaler"/> at every size, the threshold aside.</summary>
    static byte[] Ours(PixelImage image, SKRectI crop, int side)
    {
        var small = new byte[side * side * 4];
        MipmapScaler.Scale(image.Pixels[(crop.Top * image.RowBytes + crop.Left * 4)..], crop.Width, crop.Height, image.RowBytes,
            small, side, side, side * 4);
        return small;
    }
}
