using System.Diagnostics;
using FaceAtlas.Vision;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>bench -- embedder [--faces N] [--rounds N]</c>: fr_feature.onnx as shipped beside the graph indexing runs (its
/// PRelu rewritten, <see cref="PReluRewrite"/>), in one process on one thread, on the same aligned faces of lfw-dev,
/// alternating rounds: milliseconds a face, the ratio, and how far the embeddings differ. <c>--save FILE</c> writes
/// the rewritten graph (for bench/experiments/quantize-qdq.py); <c>--against FILE</c> times a third graph (say an
/// int8 copy of the rewritten one) in the same rounds; <c>--ranges FILE</c> writes, as JSON, the smallest and largest
/// value of the input and of every Conv, BatchNormalization, Relu and Add output of the rewritten graph over the
/// aligned faces (the activation ranges quantize-qdq.py calibrates an int8 copy with); with <c>--percentile P</c>
/// each range holds P % of the values instead of all of them.
/// </summary>
internal static class EmbedderGraph
{
    public static int Run(string datasets, string[] args)
    {
        int faces = BenchArgs.Option(args, "--faces", 200), rounds = BenchArgs.Option(args, "--rounds", 3);
        var path = Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Embedder);
        var inputs = AlignedFaces(datasets, faces);
        using var options = ModelCatalog.CreateOptions();
        var shipped = File.ReadAllBytes(path);
        var rewritten = PReluRewrite.Apply(shipped, out int count);
        if (BenchArgs.Value(args, "--save") is { } save) File.WriteAllBytes(save, rewritten);
        if (BenchArgs.Value(args, "--ranges") is { } rangesPath)
            WriteRanges(rewritten, inputs, options, rangesPath, double.Parse(BenchArgs.Value(args, "--percentile") ?? "100", System.Globalization.CultureInfo.InvariantCulture));
        using var before = new InferenceSession(shipped, options);
        using var after = new InferenceSession(rewritten, options);
        using var other = BenchArgs.Value(args, "--against") is { } againstPath ? new InferenceSession(againstPath, options) : null;
        Console.WriteLine($"{inputs.Count} aligned faces of lfw-dev, one thread, {count} PRelu rewritten; {Environment.ProcessorCount} cores");

        float worst = 1, largest = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var a = Embed(before, inputs[i]);
            var b = Embed(after, inputs[i]);
            worst = Math.Min(worst, FaceEmbedder.Similarity(a, b));
            largest = Math.Max(largest, a.Zip(b).Max(p => MathF.Abs(p.First - p.Second)));
        }
        Console.WriteLine("| round | shipped ms a face | rewritten ms a face | ratio |");
        Console.WriteLine("|---|---|---|---|");
        var ratios = new List<float>();
        for (int round = 1; round <= rounds; round++)
        {
            double shippedMs = Time(before, inputs), rewrittenMs = Time(after, inputs);
            ratios.Add((float)(shippedMs / rewrittenMs));
            Console.WriteLine($"| {round} | {shippedMs:F2} | {rewrittenMs:F2} | {shippedMs / rewrittenMs:F2}x |");
        }
        Console.WriteLine($"median ratio {Statistics.Median(ratios):F2}x; embeddings: lowest cosine similarity {worst:F7}, largest component difference {largest:E1}");
        if (other is null) return 0;

        Console.WriteLine("| round | rewritten ms a face | --against ms a face | ratio |");
        Console.WriteLine("|---|---|---|---|");
        for (int round = 1; round <= rounds; round++)
        {
            double rewrittenMs = Time(after, inputs), otherMs = Time(other, inputs);
            Console.WriteLine($"| {round} | {rewrittenMs:F2} | {otherMs:F2} | {rewrittenMs / otherMs:F2}x |");
        }
        var similarity = inputs.Select(input => FaceEmbedder.Similarity(Embed(after, input), Embed(other, input))).Order().ToList();
        Console.WriteLine($"--against's embeddings against the rewritten graph's: median cosine similarity {similarity[similarity.Count / 2]:F4}, lowest {similarity[0]:F4}");
        return 0;
    }

    static void WriteRanges(byte[] graph, List<float[]> inputs, SessionOptions options, string path, double percentile)
    {
        var names = OnnxGraphEditor.Nodes(graph).Where(n => n.OpType is "Conv" or "BatchNormalization" or "Relu" or "Add")
            .SelectMany(n => n.Outputs).Prepend("input").ToList();
        using var session = new InferenceSession(OnnxGraphEditor.CutAndResize(graph, names.Skip(1).ToList(), new Dictionary<int, string>()), options);
        // Two passes: the extremes, then a histogram between them, from which the percentile's bounds are read (100:
        // the extremes themselves; lower: the rare largest values clipped, for finer steps everywhere else).
        var extremes = names.ToDictionary(n => n, _ => new[] { float.MaxValue, float.MinValue });
        const int Bins = 4096;
        var histograms = names.ToDictionary(n => n, _ => new long[Bins]);
        for (int pass = 0; pass < (percentile < 100 ? 2 : 1); pass++)
            foreach (var input in inputs)
            {
                using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, FaceAligner.Side, FaceAligner.Side]);
                using var outputs = session.Run(EveryRun, ["input"], [value], names.Skip(1).ToList());
                for (int i = 0; i < names.Count; i++)
                {
                    var values = i == 0 ? input : outputs[i - 1].GetTensorDataAsSpan<float>();
                    var range = extremes[names[i]];
                    if (pass == 0) Widen(range, values);
                    else Count(histograms[names[i]], values, range[0], range[1]);
                }
            }
        var ranges = names.ToDictionary(n => n, n => percentile < 100 ? Bounds(histograms[n], extremes[n], percentile) : extremes[n]);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(ranges));
        Console.WriteLine($"activation ranges of {ranges.Count} tensors over {inputs.Count} faces (percentile {percentile}) written to {path}");
    }

    static void Count(long[] histogram, ReadOnlySpan<float> values, float low, float high)
    {
        float scale = (histogram.Length - 1) / Math.Max(high - low, 1e-12f);
        foreach (var v in values) histogram[(int)((v - low) * scale)]++;
    }

    /// <summary>The values below which (100 - p) % and above which (100 - p) % of all values fall, never past zero.</summary>
    static float[] Bounds(long[] histogram, float[] extremes, double p)
    {
        long total = histogram.Sum(), cut = (long)(total * (100 - p) / 100);
        float width = (extremes[1] - extremes[0]) / (histogram.Length - 1);
        int lo = 0, hi = histogram.Length - 1;
        for (long seen = 0; lo < hi && seen + histogram[lo] <= cut; lo++) seen += histogram[lo];
        for (long seen = 0; hi > lo && seen + histogram[hi] <= cut; hi--) seen += histogram[hi];
        return [Math.Min(0, extremes[0] + lo * width), Math.Max(0, extremes[0] + (hi + 1) * width)];
    }

    static void Widen(float[] range, ReadOnlySpan<float> values)
    {
        range[0] = Math.Min(range[0], System.Numerics.Tensors.TensorPrimitives.Min(values));
        range[1] = Math.Max(range[1], System.Numerics.Tensors.TensorPrimitives.Max(values));
    }

    static List<float[]> AlignedFaces(string datasets, int count)
    {
        using var analyzer = new FaceAnalyzer();
        var inputs = new List<float[]>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(datasets, "lfw-dev"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            using var decoded = PhotoDecoder.Decode(bytes);
            foreach (var face in analyzer.Analyze(bytes).Faces)
            {
                var input = new float[3 * FaceAligner.Side * FaceAligner.Side];
                FaceAligner.WarpToTensor(decoded.Image, FaceAligner.TransformFor(face.Points), input);
                inputs.Add(input);
                if (inputs.Count == count) return inputs;
            }
        }
        return inputs;
    }

    /// <summary>One for every run of the process (each run made its own, and left it to the finalizer).</summary>
    static readonly RunOptions EveryRun = new();

    static float[] Embed(InferenceSession session, float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, FaceAligner.Side, FaceAligner.Side]);
        using var outputs = session.Run(EveryRun, ["input"], [value], ["output"]);
        var embedding = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        FaceEmbedder.Normalize(embedding);
        return embedding;
    }

    static double Time(InferenceSession session, List<float[]> inputs)
    {
        var clock = Stopwatch.StartNew();
        foreach (var input in inputs) Embed(session, input);
        return clock.Elapsed.TotalMilliseconds / inputs.Count;
    }
}
