using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vectors;
using FaceAtlas.Vision;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceAtlas.Bench;

/// <summary>
/// Would a second embedder help? face-api's 128-D dlib-style descriptor (converted by
/// bench/experiments/faceapi-to-onnx.py) on every face of an indexed lfw-dev catalog, alone and fused with ours
/// (the two unit vectors side by side, weighted sqrt(alpha) and sqrt(1 - alpha), so that the fused similarity is
/// alpha x ours + (1 - alpha) x its), for LFW pairs and for clustering. Its descriptors are cached in a file.
/// Results in docs/QUALITY.md.
/// </summary>
internal static class SecondEmbedder
{
    const int Side = 150;
    static readonly float[] Mean = [122.782f, 117.001f, 104.298f];

    public static int Run(string datasets, string catalogPath, string modelPath, string cachePath, string[] args)
    {
        using var catalog = SqliteCatalog.Open(catalogPath, create: false);
        var faces = catalog.Faces(withEmbeddings: true).ToList();
        var second = File.Exists(cachePath) ? Load(cachePath) : Embed(faces, modelPath, cachePath);
        // Its descriptors share a large common direction (strangers are alike by cosine); centred, they compare like ours.
        var mean = new float[128];
        foreach (var v in second.Values) TensorPrimitives.Add(mean, v, mean);
        TensorPrimitives.Divide(mean, second.Count, mean);
        Console.WriteLine($"second embedder: {second.Count} faces; mean norm {TensorPrimitives.Norm(mean):F3}");
        var centred = second.ToDictionary(kv => kv.Key, kv => Unit(kv.Value.Zip(mean, (a, b) => a - b).ToArray()));
        var labelled = LabelledFaces.Pick(faces);
        var byPath = labelled.ToDictionary(x => x.Face.Photo.Path, x => x.Face);
        var pairs = PairsFile.Read(Path.Combine(datasets, "lfw-protocol", "pairs-dev.txt"), Path.Combine(datasets, "lfw-dev"));
        foreach (float alpha in new[] { 1f, 0f, 0.8f, 0.7f, 0.6f, 0.5f })
        {
            var v = VerificationEvaluator.Evaluate(pairs, p => byPath.TryGetValue(Path.GetFullPath(p), out var f) ? Fuse(f, centred, alpha) : null, 0.3);
            Console.WriteLine($"alpha {alpha:F1}: LFW pairs {v.CrossValidatedAccuracy:P2} ± {v.CrossValidatedStdDev:P2}, best {v.BestAccuracy:P2} at {v.BestThreshold:F3}; same {v.MeanSameSimilarity:F3} different {v.MeanDifferentSimilarity:F3} (missing {v.PairsMissingAFace})");
        }
        var central = labelled.ToDictionary(x => x.Face.Id, x => x.Identity);
        var grid = ClusterQuality.Grid(args, [(0.38f, 0.14f)]);
        foreach (float alpha in args.SkipWhile(a => a != "--alphas").Skip(1).Select(a => a.Split(',').Select(x => float.Parse(x, CultureInfo.InvariantCulture)).ToArray()).FirstOrDefault([0.7f]))
        {
            var input = faces.Select(f => new ClusterFace(f.Id, f.Photo.Id, Fuse(f, centred, alpha))).ToList();
            var edges = NeighbourGraph.Exact(input.Select(f => f.Embedding).ToList(), 30, 0.15f);
            foreach (var (t, p) in grid)
            {
                var labels = new AverageLinkage(input).Run(edges, t, p);
                var r = ClusteringReport.Of(ClusterQuality.Labelled(faces, central, labels));
                Console.WriteLine($"  alpha {alpha:F2} t={t:F2} p={p:F2}: BCubed P {r.BCubed.Precision:F4} R {r.BCubed.Recall:F4} F {r.BCubed.F:F4} | pairwise F {r.Pairwise.F:F4} | clusters {r.Clusters}");
            }
        }
        return 0;
    }

    static float[] Fuse(FaceRecord f, Dictionary<long, float[]> second, float alpha)
    {
        var a = f.Embedding!;
        var b = second[f.Id];
        var fused = new float[a.Length + b.Length];
        float wa = MathF.Sqrt(alpha), wb = MathF.Sqrt(1 - alpha);
        for (int i = 0; i < a.Length; i++) fused[i] = wa * a[i];
        for (int i = 0; i < b.Length; i++) fused[a.Length + i] = wb * b[i];
        return Unit(fused);
    }

    static float[] Unit(float[] v)
    {
        FaceEmbedder.Normalize(v);
        return v;
    }

    static Dictionary<long, float[]> Load(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        int n = r.ReadInt32();
        var d = new Dictionary<long, float[]>(n);
        for (int i = 0; i < n; i++)
        {
            long id = r.ReadInt64();
            var v = new float[128];
            for (int k = 0; k < 128; k++) v[k] = r.ReadSingle();
            d[id] = v;
        }
        return d;
    }

    static Dictionary<long, float[]> Embed(List<FaceRecord> faces, string modelPath, string cachePath)
    {
        var result = new System.Collections.Concurrent.ConcurrentDictionary<long, float[]>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var byPhoto = faces.GroupBy(f => f.Photo.Path).ToList();
        int done = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(byPhoto, true), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            () => new InferenceSession(modelPath, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }),
            (group, _, session) =>
            {
                using var photo = PhotoDecoder.Decode(File.ReadAllBytes(group.Key));
                foreach (var f in group)
                {
                    var input = new DenseTensor<float>([1, 3, Side, Side]);
                    Crop(photo.Image, f.Points.Scale((float)(1 / photo.Scale)), input.Buffer.Span);
                    using var outputs = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
                    result[f.Id] = Unit(outputs.First().AsEnumerable<float>().ToArray());
                }
                if (Interlocked.Increment(ref done) % 1000 == 0) Console.WriteLine($"  {done} photos, {watch.Elapsed.TotalSeconds:F0} s");
                return session;
            },
            session => session.Dispose());
        using var w = new BinaryWriter(File.Create(cachePath));
        w.Write(result.Count);
        foreach (var (id, v) in result)
        {
            w.Write(id);
            foreach (float x in v) w.Write(x);
        }
        Console.WriteLine($"embedded {result.Count} faces in {watch.Elapsed.TotalSeconds:F0} s");
        return new Dictionary<long, float[]>(result);
    }

    /// <summary>face-api's dlib-style crop (eye-mouth distance / 0.45 wide, the eyes-and-mouth centre at 0.5, 0.43), turned level.</summary>
    static void Crop(PixelImage image, FivePoints p, Span<float> tensor)
    {
        var mouth = (p.LeftMouth + p.RightMouth) / 2;
        float eyeToMouth = (Vector2.Distance(mouth, p.LeftEye) + Vector2.Distance(mouth, p.RightEye)) / 2;
        float size = eyeToMouth / 0.45f;
        var centre = (p.LeftEye + p.RightEye + mouth) / 3;
        var eyes = p.RightEye - p.LeftEye;
        float angle = MathF.Atan2(eyes.Y, eyes.X);
        float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
        const int plane = Side * Side;
        var px = image.Pixels;
        for (int v = 0; v < Side; v++)
            for (int u = 0; u < Side; u++)
            {
                float dx = ((u + 0.5f) / Side - 0.5f) * size, dy = ((v + 0.5f) / Side - 0.43f) * size;
                float sx = centre.X + cos * dx - sin * dy, sy = centre.Y + sin * dx + cos * dy;
                FaceAligner.Bilinear(px, image.RowBytes, image.Width, image.Height, sx - 0.5f, sy - 0.5f, out float r, out float g, out float b);
                int o = v * Side + u;
                tensor[o] = (r - Mean[0]) / 255f;
                tensor[plane + o] = (g - Mean[1]) / 255f;
                tensor[2 * plane + o] = (b - Mean[2]) / 255f;
            }
    }
}
