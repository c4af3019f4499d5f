using System.Text.Json;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Bench;

/// <summary>Detection recall on the annotated group photos, and face counts against the manifest.</summary>
internal static class DetectionQuality
{
    public static int Run(string datasets)
    {
        var folder = Path.Combine(datasets, "group-photos");
        using var analyzer = new FaceAnalyzer();
        var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "face_boxes.json"))).RootElement;
        int boxes = 0, found = 0;
        double iouSum = 0;
        Console.WriteLine("| photo | annotated | found (IoU >= 0.4) | mean IoU | detections |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var photo in truth.EnumerateObject())
        {
            var faces = analyzer.Analyze(File.ReadAllBytes(Path.Combine(folder, photo.Name))).Faces;
            int n = 0, hit = 0;
            double sum = 0;
            foreach (var b in photo.Value.EnumerateArray())
            {
                var box = new FaceBox(b.GetProperty("left").GetSingle(), b.GetProperty("top").GetSingle(), b.GetProperty("width").GetSingle(), b.GetProperty("height").GetSingle());
                double best = faces.Select(f => (double)f.Box.IoU(box)).DefaultIfEmpty(0).Max();
                n++; sum += best;
                if (best >= 0.4) hit++;
            }
            boxes += n; found += hit; iouSum += sum;
            Console.WriteLine($"| {photo.Name} | {n} | {hit} | {sum / n:F2} | {faces.Count} |");
        }
        Console.WriteLine($"| **all** | {boxes} | {found} ({100.0 * found / boxes:F1}%) | {iouSum / boxes:F2} | |");
        Console.WriteLine();
        Console.WriteLine("| photo | manifest count | basis | detected |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var line in File.ReadLines(Path.Combine(folder, "manifest.csv")).Skip(1))
        {
            var name = line[..line.IndexOf(',')];
            var fields = line.Split(',');
            var detected = analyzer.Analyze(File.ReadAllBytes(Path.Combine(folder, name))).Faces.Count;
            Console.WriteLine($"| {name} | {fields[4]} | {fields[5].Trim('"')} | {detected} |");
        }
        return 0;
    }
}
