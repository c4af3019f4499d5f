using FaceAtlas.Vectors;
using System.Diagnostics;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.People;

namespace FaceAtlas.Bench;

/// <summary>
/// Clustering time, memory and quality at scale, on synthetic 512-D embeddings with realistic structure: identities
/// of very different sizes (a heavy tail), 40 % of faces strangers seen once, noise varying per identity so that
/// same-person similarity spreads around 0.7 as on LFW.
/// </summary>
internal static class ClusterScale
{
    public static int Run(string[] args)
    {
        bool exact = args.Contains("--exact");
        int probes = args.SkipWhile(a => a != "--probes").Skip(1).Select(int.Parse).FirstOrDefault(8);
        args = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || args[i - 1] != "--probes")).ToArray();
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000];
        Console.WriteLine("| faces | identities | graph | linkage | total | peak MB | BCubed F | pairwise F | people found / true (>= 2 faces) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var n in sizes)
        {
            var (faces, labels, identities) = Generate(n, seed: 7);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var embeddings = faces.Select(f => f.Embedding).ToList();
            var edges = exact
                ? NeighbourGraph.Exact(embeddings, ClusteringOptions.Default.Neighbours, ClusteringOptions.Default.EdgeFloor)
                : ApproximateNeighbourGraph.Build(embeddings, null, ClusteringOptions.Default.Neighbours, ClusteringOptions.Default.EdgeFloor, probes);
            var graph = watch.Elapsed;
            var clusters = new AverageLinkage(faces).Run(edges, ClusteringOptions.Default.Threshold, ClusteringOptions.Default.SmallClusterPenalty);
            var total = watch.Elapsed;
            Console.Error.WriteLine($"labels {LabelHash(clusters):x16}"); // equal between two builds: the same people, face for face
            using var process = Process.GetCurrentProcess();
            // As the product does: groups of fewer than MinFaces faces are no person (each face its own cluster).
            var groupSize = clusters.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
            var items = labels.Select((l, i) => (l, groupSize[clusters[i]] >= ClusteringOptions.Default.MinFaces ? (long)clusters[i] : -1L - i)).ToList();
            var report = ClusteringReport.Of(items);
            int truePeople = labels.GroupBy(l => l).Count(g => g.Count() >= 2);
            int foundPeople = groupSize.Values.Count(c => c >= 2);
            Console.WriteLine($"| {n:N0} | {identities:N0} | {graph.TotalSeconds:F1} s | {(total - graph).TotalSeconds:F1} s | {total.TotalSeconds:F1} s | " +
                              $"{process.PeakWorkingSet64 / 1048576} | {report.BCubed.F:F4} | {report.Pairwise.F:F4} | {foundPeople:N0} / {truePeople:N0} |");
        }
        return 0;
    }

    /// <summary>FNV-1a over the labels in face order.</summary>
    static ulong LabelHash(int[] labels)
    {
        ulong hash = 14695981039346656037;
        foreach (var label in labels) hash = (hash ^ (ulong)label) * 1099511628211;
        return hash;
    }

    static (List<ClusterFace> Faces, string[] Labels, int Identities) Generate(int n, int seed)
    {
        var random = new Random(seed);
        const int d = 512;
        var faces = new List<ClusterFace>(n);
        var labels = new string[n];
        int identity = 0;
        while (faces.Count < n)
        {
            // 40 % of faces are strangers seen once; the rest come from identities of Pareto-distributed size.
            int count = random.NextDouble() < 0.4 ? 1 : Math.Min(n - faces.Count, 2 + (int)(3 / Math.Pow(random.NextDouble() + 1e-9, 0.8)));
            count = Math.Min(count, n - faces.Count);
            var direction = Normal(random, d, 1.0);
            double noise = 0.026 + 0.008 * random.NextDouble();
            for (int i = 0; i < count; i++)
            {
                var v = Normal(random, d, noise);
                for (int j = 0; j < d; j++) v[j] += direction[j];
                Normalise(v);
                labels[faces.Count] = $"id{identity}";
                faces.Add(new ClusterFace(faces.Count + 1, faces.Count + 1, v));
            }
            identity++;
        }
        return (faces, labels, identity);
    }

    static float[] Normal(Random random, int d, double sigma)
    {
        var v = new float[d];
        for (int j = 0; j < d; j += 2)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble(), r = Math.Sqrt(-2 * Math.Log(u1)) * sigma;
            v[j] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (j + 1 < d) v[j + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        if (sigma == 1.0) Normalise(v);
        return v;
    }

    static void Normalise(float[] v)
    {
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }
}
