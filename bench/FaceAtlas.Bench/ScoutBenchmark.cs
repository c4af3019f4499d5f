using System.Diagnostics;
using System.Text.Json;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Bench;

/// <summary>
/// Scouting the fine pyramid level against looking at all of it, side by side on the same decoded photos (one
/// thread): detection time, the detections each finds, and the annotated faces of the group photos pasted into
/// 12 MP photos at the smallest sizes the fine level answers for.
/// </summary>
internal static class ScoutBenchmark
{
    sealed class Tally
    {
        public int Photos, Both, OnlyWhole, OnlyScouted, Annotated, AnnotatedWhole, AnnotatedScouted;
        public double WholeMs, ScoutedMs;
        public List<(float Score, float Size, string Photo)> Proposals = [];
    }

    /// <summary><paramref name="args"/>: <c>--ratio R</c> scouts at R of the level instead of the default.</summary>
    public static int Run(string datasets, string[] args)
    {
        var large = Path.Combine(Path.GetTempPath(), "faceatlas-bench", "large-12mp");
        IndexBenchmark.MakeLargeJpegs(datasets, large, 57);
        using var detector = new UltraFaceDetector(Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Detector), ModelSessions.Uncached);
        int at = Array.IndexOf(args, "--ratio");
        var defaults = at >= 0 ? DetectionOptions.Default with { ScoutRatio = float.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) }
            : DetectionOptions.Default;
        var whole = new FaceFinder(detector, defaults with { ScoutRatio = 0 });
        var scouted = new FaceFinder(detector, defaults);

        var photos = new Tally();
        foreach (var file in Directory.GetFiles(large).Order(StringComparer.Ordinal))
            Compare(Path.GetFileName(file), File.ReadAllBytes(file), null, photos);

        var pasted = new Tally();
        var folder = Path.Combine(datasets, "group-photos");
        var backgrounds = Directory.GetFiles(large).Order(StringComparer.Ordinal).ToList();
        int n = 0;
        foreach (var scene in JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "face_boxes.json"))).RootElement.EnumerateObject())
        {
            var boxes = scene.Value.EnumerateArray().Select(b => new FaceBox(b.GetProperty("left").GetSingle(), b.GetProperty("top").GetSingle(),
                b.GetProperty("width").GetSingle(), b.GetProperty("height").GetSingle())).ToList();
            foreach (var grow in new[] { 1.0, 1.6, 2.6 }) // smallest face 40, 64 and 104 px
            {
                n++;
                double enlarge = 40 / boxes.Min(b => b.Height) * grow;
                var (jpeg, place) = Paste(Path.Combine(folder, scene.Name), backgrounds[n * 7 % backgrounds.Count], enlarge, n);
                Compare($"{scene.Name} x{enlarge:F2}", jpeg, boxes.Select(b => b.Scale(enlarge, enlarge).Offset(place.X, place.Y)).ToList(), pasted);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| photos | detect ms a photo, whole level | scouted | ratio | detections by both | whole only | scouted only | annotated faces found, whole / scouted |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, t) in new[] { ("57 12 MP photos", photos), ($"{pasted.Photos} of them with a group photo pasted", pasted) })
            Console.WriteLine($"| {name} | {t.WholeMs / t.Photos:F1} | {t.ScoutedMs / t.Photos:F1} | {t.WholeMs / t.ScoutedMs:F2}x | {t.Both} | " +
                              $"{t.OnlyWhole} | {t.OnlyScouted} | {(t.Annotated == 0 ? "-" : $"{t.AnnotatedWhole} / {t.AnnotatedScouted} of {t.Annotated}")} |");
        Console.WriteLine($"weakest scouting proposals for annotated faces (proposals need {defaults.ScoutMinScore}): " +
                          string.Join(", ", pasted.Proposals.OrderBy(p => p.Score).Take(6).Select(p => $"{p.Score:F2} ({p.Size:F0} px, {p.Photo})")));
        foreach (var bar in new[] { 0.05f, 0.1f, 0.2f, 0.3f })
            Console.WriteLine($"  annotated faces proposed at {bar}: {pasted.Proposals.Count(p => p.Score >= bar)} of {pasted.Proposals.Count}");
        return 0;

        void Compare(string name, byte[] jpeg, List<FaceBox>? truth, Tally tally)
        {
            using var photo = PhotoDecoder.Decode(jpeg, defaults.DetectorMinFace / defaults.MinFaceSize, 1600);
            double minFace = defaults.MinFaceSize * photo.Scale;
            List<Detection> a = [], b = [];
            // Twice each, alternating which goes first so that neither always finds the caches warm; the second round is timed.
            for (int round = 0; round < 2; round++)
                for (int k = 0; k < 2; k++)
                {
                    var watch = Stopwatch.StartNew();
                    if ((k == 0) == ((tally.Photos + round) % 2 == 0))
                    {
                        a = whole.Find(photo.Image, minFace);
                        if (round == 1) tally.WholeMs += watch.Elapsed.TotalMilliseconds;
                    }
                    else
                    {
                        b = scouted.Find(photo.Image, minFace);
                        if (round == 1) tally.ScoutedMs += watch.Elapsed.TotalMilliseconds;
                    }
                }
            tally.Photos++;
            foreach (var d in a)
                if (b.Any(e => e.Box.IoU(d.Box) >= 0.5f)) tally.Both++;
                else { tally.OnlyWhole++; Console.WriteLine($"  {name}: only the whole level finds {Describe(d)}"); }
            foreach (var d in b.Where(d => !a.Any(e => e.Box.IoU(d.Box) >= 0.5f)))
            {
                tally.OnlyScouted++;
                Console.WriteLine($"  {name}: only scouting finds {Describe(d)}");
            }
            if (truth is null) return;
            // The scouting pass as FaceScout makes it for a 12 MP photo: the fine level is 0.8 of the decoded image.
            var proposals = new List<Detection>();
            double scale = 0.8 * defaults.ScoutRatio;
            int sw = (int)Math.Round(photo.Image.Width * scale), sh = (int)Math.Round(photo.Image.Height * scale);
            detector.DetectWindow(photo.Image, scale, 0, 0, (sw + 63) / 64 * 64, (sh + 63) / 64 * 64, 0.01f, proposals);
            foreach (var t in truth.Select(t => t.Scale(photo.Scale, photo.Scale)))
            {
                tally.Annotated++;
                if (a.Any(d => d.Box.IoU(t) >= 0.3f)) tally.AnnotatedWhole++;
                if (b.Any(d => d.Box.IoU(t) >= 0.3f)) tally.AnnotatedScouted++;
                var half = t.Scale(scale, scale);
                tally.Proposals.Add((proposals.Where(p => p.Box.IoU(half) >= 0.25f).Select(p => p.Score).DefaultIfEmpty(0).Max(), half.Height, name));
            }
        }
    }

    static string Describe(Detection d) => $"{d.Box.Width:F0}x{d.Box.Height:F0} px at ({d.Box.X:F0}, {d.Box.Y:F0}), score {d.Score:F2}";

    /// <summary>
    /// <paramref name="scenePath"/> enlarged into a corner of the 12 MP <paramref name="backgroundPath"/>, off the
    /// portrait's own face (a face inside a larger face is taken for a part of it), a few pixels further in each time
    /// so that faces fall at every phase of the detector's grid.
    /// </summary>
    static (byte[] Jpeg, SKPoint Place) Paste(string scenePath, string backgroundPath, double enlarge, int n)
    {
        using var scene = SKBitmap.Decode(scenePath);
        using var canvasBitmap = SKBitmap.Decode(backgroundPath);
        float w = (float)(scene.Width * enlarge), h = (float)(scene.Height * enlarge), jitter = n * 7 % 61;
        var place = SKRect.Create(n % 2 == 0 ? 40 + jitter : 3960 - w - jitter, n / 2 % 2 == 0 ? 40 + jitter : 2960 - h - jitter, w, h);
        using (var canvas = new SKCanvas(canvasBitmap))
        using (var image = SKImage.FromBitmap(scene))
            canvas.DrawImage(image, place, new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var data = canvasBitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return (data.ToArray(), place.Location);
    }
}
