using System.Diagnostics;
using FaceAtlas.Core.Faces;
using FaceAtlas.Testing;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>bench -- formats [--runs N]</c>: one 12 MP photo as JPEG, HEIC, AVIF and JPEG XL, a 24 MP camera RAW with and
/// without a full-size preview, and one minute of 1080p video (a slideshow of the deepface photos), each decoded and
/// analysed side by side in one run: decode in this process (Magick.NET) and in the child process the program uses
/// (the launcher's build, <c>.build/app/faceatlas decode-photo</c>), and the whole analysis (decode, faces, embeddings).
/// Medians of N runs; one thread. Needs Debian's heif-enc, cjxl and ffmpeg.
/// </summary>
internal static class FormatBenchmark
{
    public static int Run(string datasets, string[] args)
    {
        if (args.Contains("--identity"))
            return Identity(datasets, BenchArgs.Option(args, "--photos", 40));
        int runs = BenchArgs.Option(args, "--runs", 3);
        var dir = Directory.CreateTempSubdirectory("faceatlas-formats-").FullName;
        try
        {
            var inputs = Make(datasets, dir);
            var program = Path.Combine(BenchPaths.RepositoryRoot, ".build", "app", "faceatlas");
            var child = File.Exists(program) ? new DecoderProcess(program, ["decode-photo"], TimeSpan.FromMinutes(2)) : null;
            using var analyzer = new FaceAnalyzer();
            analyzer.Analyze(File.ReadAllBytes(inputs[0].Path)); // models loaded, graphs cached

            Console.WriteLine($"{Environment.ProcessorCount} cores; median of {runs}; child decoder: {(child is null ? "none (run ./faceatlas once)" : program)}");
            Console.WriteLine("| file | size | decode in process, ms | decode in a child, ms | analysis, ms | photos/s | faces |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var (name, path) in inputs)
            {
                var bytes = File.ReadAllBytes(path);
                string size = $"{bytes.Length / 1e6:F1} MB";
                if (name.Contains("video"))
                {
                    var tools = VideoTools.Find() ?? throw new InvalidOperationException(VideoTools.Missing);
                    var video = new VideoAnalyzer(analyzer, tools);
                    int found = 0;
                    double ms = Median(runs, () => found = video.Analyze(path, "MP4", tools.Probe(path)).Faces.Count);
                    Console.WriteLine($"| {name} | {size} | - | - | {ms:F0} | {1000 / ms:F2} | {found} |");
                    continue;
                }
                ForeignDecoding.Decoder = MagickDecoder.Instance;
                double inProcess = Median(runs, () => PhotoDecoder.Decode(bytes, 0.2, FaceAnalyzer.MinDecodedLongSide).Dispose());
                double inChild = double.NaN;
                if (child is not null && ForeignFormat.Sniff(bytes) is not null)
                {
                    ForeignDecoding.Decoder = child;
                    inChild = Median(runs, () => PhotoDecoder.Decode(bytes, 0.2, FaceAnalyzer.MinDecodedLongSide).Dispose());
                }
                int faces = 0;
                double analysis = Median(runs, () => faces = analyzer.Analyze(bytes).Faces.Count);
                Console.WriteLine($"| {name} | {size} | {inProcess:F0} | {(double.IsNaN(inChild) ? "-" : inChild.ToString("F0"))} | {analysis:F0} | {1000 / analysis:F2} | {faces} |");
            }
            return 0;
        }
        finally
        {
            ForeignDecoding.Decoder = MagickDecoder.Instance;
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// <c>formats --identity [--photos N]</c>: each of N deepface photos (full size, several people) written as HEIC,
    /// AVIF, JPEG XL and a demosaiced DNG, analysed, and each face matched by place to the JPEG's: how many are found
    /// again, and how alike their embeddings are to the JPEG's (0.50 is search's "this face is that person").
    /// </summary>
    static int Identity(string datasets, int count)
    {
        var dir = Directory.CreateTempSubdirectory("faceatlas-identity-").FullName;
        try
        {
            var photos = Directory.EnumerateFiles(Path.Combine(datasets, "deepface-tests"), "*.jpg", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).Where(f => !IsWebP(f)).Take(count).ToList();
            using var analyzer = new FaceAnalyzer();
            var formats = new[] { "HEIC", "AVIF", "JPEG XL", "DNG" };
            var similarities = formats.ToDictionary(f => f, _ => new List<double>());
            var lost = formats.ToDictionary(f => f, _ => 0);
            int jpegFaces = 0;
            foreach (var (photo, i) in photos.Select((p, i) => (p, i)))
            {
                var reference = analyzer.Analyze(File.ReadAllBytes(photo)).Faces;
                jpegFaces += reference.Count;
                using var bitmap = TestPhotos.DecodeRgba(photo);
                var encoded = new Dictionary<string, byte[]>
                {
                    ["HEIC"] = MediaTools.Encode(photo, Path.Combine(dir, $"{i}.heic")),
                    ["AVIF"] = MediaTools.Encode(photo, Path.Combine(dir, $"{i}.avif")),
                    ["JPEG XL"] = MediaTools.Encode(photo, Path.Combine(dir, $"{i}.jxl")),
                    ["DNG"] = DngWriter.Write(bitmap),
                };
                foreach (var (format, bytes) in encoded)
                {
                    var faces = analyzer.Analyze(bytes).Faces;
                    foreach (var face in reference)
                    {
                        var match = faces.OrderByDescending(f => Overlap(f.Box, face.Box)).FirstOrDefault();
                        if (match is null || Overlap(match.Box, face.Box) < 0.5) { lost[format]++; continue; }
                        similarities[format].Add(FaceEmbedder.Similarity(face.Embedding, match.Embedding));
                    }
                }
            }
            Console.WriteLine($"{photos.Count} deepface photos, {jpegFaces} faces in the JPEGs");
            Console.WriteLine("| format | faces found again | lost | similarity to the JPEG's face: min | 5th percentile | median | below 0.50 |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var format in formats)
            {
                var s = similarities[format].Order().ToList();
                Console.WriteLine($"| {format} | {s.Count} | {lost[format]} | {s[0]:F3} | {s[(int)(0.05 * (s.Count - 1))]:F3} | {s[s.Count / 2]:F3} | {s.Count(v => v < 0.5)} |");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static double Overlap(FaceBox a, FaceBox b)
    {
        float x = Math.Max(0, Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X));
        float y = Math.Max(0, Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y));
        float inter = x * y;
        return inter / (a.Width * a.Height + b.Width * b.Height - inter);
    }

    static List<(string Name, string Path)> Make(string datasets, string dir)
    {
        var source = Path.Combine(datasets, "deepface-tests", "person_01", "img4.jpg");
        using var original = TestPhotos.DecodeRgba(source);
        using var twelve = original.Resize(new SKImageInfo(4032, 3024, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear));
        var jpeg = Path.Combine(dir, "12mp.jpg");
        File.WriteAllBytes(jpeg, TestPhotos.Jpeg(twelve, 92));
        var inputs = new List<(string, string)> { ("12 MP JPEG", jpeg) };
        inputs.Add(("12 MP HEIC", Encoded(jpeg, Path.Combine(dir, "12mp.heic"))));
        inputs.Add(("12 MP AVIF", Encoded(jpeg, Path.Combine(dir, "12mp.avif"))));
        inputs.Add(("12 MP JPEG XL (recompressed JPEG)", Encoded(jpeg, Path.Combine(dir, "12mp.jxl"))));

        using var raw = original.Resize(new SKImageInfo(6000, 4000, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear));
        var dng = Path.Combine(dir, "24mp.dng");
        File.WriteAllBytes(dng, DngWriter.Write(raw));
        inputs.Add(("24 MP DNG, raw data demosaiced", dng));
        var previewed = Path.Combine(dir, "24mp-preview.dng");
        File.WriteAllBytes(previewed, DngWriter.Write(raw, previewJpeg: TestPhotos.Jpeg(raw, 90), previewSize: (6000, 4000)));
        inputs.Add(("24 MP DNG with a full-size preview", previewed));

        var photos = Directory.EnumerateFiles(Path.Combine(datasets, "deepface-tests"), "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Where(f => !IsWebP(f)).Take(20).ToArray();
        var video = Path.Combine(dir, "minute.mp4");
        MediaTools.Slideshow(photos, video);
        inputs.Add(("1 min 1080p H.264 video (30 frames looked at)", video));
        return inputs;
    }

    static string Encoded(string jpeg, string target)
    {
        MediaTools.Encode(jpeg, target);
        return target;
    }

    static bool IsWebP(string path)
    {
        var head = new byte[12];
        using var f = File.OpenRead(path);
        f.ReadExactly(head);
        return head.AsSpan(8, 4).SequenceEqual("WEBP"u8);
    }

    static double Median(int runs, Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
