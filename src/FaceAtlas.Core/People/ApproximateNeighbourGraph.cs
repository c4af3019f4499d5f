using System.Numerics.Tensors;

namespace FaceAtlas.Core.People;

/// <summary>
/// The neighbour graph for libraries too large to compare every pair: an inverted-file index. Spherical k-means
/// puts about sqrt(n) centroids on the faces; each face is filed under its nearest centroid; a face's neighbours
/// are looked for only among the faces filed under its few nearest centroids. Faces of one person sit close
/// together, so they share lists; the cost falls from n² to about n · probes · sqrt(n) dot products.
/// </summary>
public static class ApproximateNeighbourGraph
{
    /// <summary>Below this many faces the exact graph is as fast; above it, the approximate one is used.</summary>
    public const int ExactUpTo = 20_000;

    public static List<FaceEdge> Build(IReadOnlyList<float[]> embeddings, IReadOnlyList<int>? queries, int k, float minSimilarity,
        int probes = 8, int seed = 1, CancellationToken cancel = default, int exactUpTo = ExactUpTo)
    {
        int n = embeddings.Count;
        if (n <= exactUpTo) return NeighbourGraph.Exact(embeddings, queries, k, minSimilarity, cancel);
        int d = embeddings[0].Length;
        int lists = Math.Clamp((int)Math.Round(2 * Math.Sqrt(n)), 16, 8192);

        var centroids = TrainCentroids(embeddings, lists, seed, cancel);
        // Every face's nearest centroids: the first is where it is filed, all are where its neighbours are looked for.
        var nearest = new int[n][];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancel }, i => nearest[i] = Nearest(embeddings[i], centroids, probes));

        // Faces packed list by list, so a list is one contiguous run of memory.
        // Balanced filing: a face goes to the nearest of its lists that is not already three times the average size.
        // Without it, one list can catch thousands of lone faces that match no centroid well, and every query that
        // probes it pays for all of them.
        var filed = new int[n];
        var size = new int[lists];
        int cap = 3 * n / lists + 1;
        foreach (int i in Shuffled(n, seed))
        {
            int list = nearest[i].FirstOrDefault(l => size[l] < cap, nearest[i][0]);
            filed[i] = list;
            size[list]++;
        }
        var counts = new int[lists + 1];
        foreach (var list in filed) counts[list + 1]++;
        for (int l = 0; l < lists; l++) counts[l + 1] += counts[l];
        var start = (int[])counts.Clone();
        var order = new int[n];
        var fill = (int[])counts.Clone();
        for (int i = 0; i < n; i++) order[fill[filed[i]]++] = i;
        var packed = new float[(long)n * d];
        for (int p = 0; p < n; p++) embeddings[order[p]].CopyTo(packed.AsSpan(p * d, d));

        var wanted = queries ?? Enumerable.Range(0, n).ToList();
        // Queries in list order: consecutive queries scan the same lists while they are in cache.
        var sortedQueries = wanted.OrderBy(q => filed[q]).ToArray();
        var best = new (int Other, float Sim)[sortedQueries.Length][];
        Parallel.For(0, sortedQueries.Length, new ParallelOptions { CancellationToken = cancel }, () => new PriorityQueue<int, float>(k + 1), (qi, loop, heap) =>
        {
            heap.Clear();
            int q = sortedQueries[qi];
            var query = embeddings[q];
            foreach (var list in nearest[q])
                for (int p = start[list]; p < start[list + 1]; p++)
                {
                    int other = order[p];
                    if (other == q) continue;
                    float s = TensorPrimitives.Dot(query, packed.AsSpan(p * d, d));
                    if (s < minSimilarity) continue;
                    if (heap.Count < k) heap.Enqueue(other, s);
                    else if (heap.TryPeek(out _, out var worst) && s > worst) heap.EnqueueDequeue(other, s);
                }
            best[qi] = heap.UnorderedItems.Select(x => (x.Element, x.Priority)).ToArray();
            return heap;
        }, _ => { });

        var edges = new Dictionary<(int, int), float>();
        for (int qi = 0; qi < sortedQueries.Length; qi++)
            foreach (var (other, s) in best[qi])
            {
                int q = sortedQueries[qi];
                edges[(Math.Min(q, other), Math.Max(q, other))] = s;
            }
        return edges.Select(e => new FaceEdge(e.Key.Item1, e.Key.Item2, e.Value)).ToList();
    }

    static int[] Shuffled(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>Spherical k-means on a sample: centroids are unit vectors, faces go to the most similar.</summary>
    static float[][] TrainCentroids(IReadOnlyList<float[]> embeddings, int lists, int seed, CancellationToken cancel)
    {
        var random = new Random(seed);
        int n = embeddings.Count, d = embeddings[0].Length;
        var sample = Enumerable.Range(0, Math.Min(n, lists * 16)).Select(_ => embeddings[random.Next(n)]).ToArray();
        var centroids = sample.Take(lists).Select(v => (float[])v.Clone()).ToArray();
        var assignment = new int[sample.Length];
        for (int iteration = 0; iteration < 6; iteration++)
        {
            Parallel.For(0, sample.Length, new ParallelOptions { CancellationToken = cancel }, i => assignment[i] = Nearest(sample[i], centroids, 1)[0]);
            var sums = new float[lists][];
            for (int c = 0; c < lists; c++) sums[c] = new float[d];
            for (int i = 0; i < sample.Length; i++) TensorPrimitives.Add(sums[assignment[i]], sample[i], sums[assignment[i]]);
            for (int c = 0; c < lists; c++)
            {
                float norm = TensorPrimitives.Norm(sums[c]);
                if (norm > 0)
                {
                    TensorPrimitives.Divide(sums[c], norm, sums[c]);
                    centroids[c] = sums[c];
                }
                else
                {
                    centroids[c] = (float[])sample[random.Next(sample.Length)].Clone(); // an empty list takes a random face
                }
            }
        }
        return centroids;
    }

    static int[] Nearest(float[] v, float[][] centroids, int count)
    {
        var heap = new PriorityQueue<int, float>(count + 1);
        for (int c = 0; c < centroids.Length; c++)
        {
            float s = TensorPrimitives.Dot(v, centroids[c]);
            if (heap.Count < count) heap.Enqueue(c, s);
            else if (heap.TryPeek(out _, out var worst) && s > worst) heap.EnqueueDequeue(c, s);
        }
        var result = new int[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--) result[i] = heap.Dequeue(); // most similar first
        return result;
    }
}
