using System.Numerics.Tensors;

namespace FaceAtlas.Vectors;

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
        int lists = Math.Clamp((int)Math.Round(2 * Math.Sqrt(n)), 16, 8192);

        var centroids = TrainCentroids(embeddings, lists, seed, cancel);
        // Every face's nearest centroids: the first is where it is filed, all are where its neighbours are looked for.
        var nearest = NearestCentroids(embeddings, centroids, probes, cancel);

        // Faces ordered list by list: a list is one run of face numbers, its faces scored where they are.
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
        var start = new int[lists + 1];
        foreach (var list in filed) start[list + 1]++;
        for (int l = 0; l < lists; l++) start[l + 1] += start[l];
        var order = new int[n];
        var fill = (int[])start.Clone();
        for (int i = 0; i < n; i++) order[fill[filed[i]]++] = i;

        var wanted = queries ?? Enumerable.Range(0, n).ToList();
        var best = SearchListByList(embeddings, wanted, nearest, start, order, k, minSimilarity, cancel);
        return NeighbourGraph.Edges(wanted, best);
    }

    /// <summary>
    /// Each wanted face's k most similar faces among those filed under its probed lists. The work goes list by list,
    /// not face by face: a list (a few hundred faces, under a megabyte) is scored against every face that probes it
    /// while it sits in cache, four faces at a time (<see cref="BlockDot"/>). Face by face, each list came from main
    /// memory again for every face that probed it. The list's faces are read where they are, not packed again: at a
    /// million faces a packed copy was 2 GB more at the peak (docs/BENCHMARKS.md).
    /// </summary>
    static NearestFaces SearchListByList(IReadOnlyList<float[]> embeddings, IReadOnlyList<int> wanted, int[][] nearest,
        int[] start, int[] order, int k, float minSimilarity, CancellationToken cancel)
    {
        int lists = start.Length - 1, d = embeddings[0].Length;
        // Which wanted faces probe each list (by their index in wanted), list by list.
        var proberStart = new int[lists + 1];
        foreach (int q in wanted)
            foreach (int list in nearest[q]) proberStart[list + 1]++;
        for (int l = 0; l < lists; l++) proberStart[l + 1] += proberStart[l];
        var probers = new int[proberStart[lists]];
        var next = (int[])proberStart.Clone();
        for (int qi = 0; qi < wanted.Count; qi++)
            foreach (int list in nearest[wanted[qi]]) probers[next[list]++] = qi;

        var best = new NearestFaces(wanted.Count, k);
        // A face's lists may be scored by different threads at once: its top k is updated under one of a set of locks.
        var locks = Enumerable.Range(0, 1024).Select(_ => new object()).ToArray();
        Parallel.For(0, lists, new ParallelOptions { CancellationToken = cancel }, () => new List<(int, float)>(), (list, _, passing) =>
        {
            int first = start[list], count = start[list + 1] - first;
            if (count == 0) return passing;
            var candidates = order.AsSpan(first, count);
            var scores = new float[4 * count];
            for (int p = proberStart[list]; p < proberStart[list + 1]; p += 4)
            {
                int block = Math.Min(4, proberStart[list + 1] - p);
                float[] Query(int t) => embeddings[wanted[probers[p + Math.Min(t, block - 1)]]];
                BlockDot.FourAmong(Query(0), Query(1), Query(2), Query(3), embeddings, candidates, d, scores);
                for (int t = 0; t < block; t++)
                {
                    int qi = probers[p + t], q = wanted[qi];
                    passing.Clear();
                    var row = scores.AsSpan(t * count, count);
                    for (int c = 0; c < count; c++)
                        if (row[c] >= minSimilarity && order[first + c] != q)
                            passing.Add((order[first + c], row[c]));
                    if (passing.Count == 0) continue;
                    lock (locks[qi & (locks.Length - 1)])
                        foreach (var (other, similarity) in passing) best.Offer(qi, other, similarity);
                }
            }
            return passing;
        }, _ => { });
        return best;
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
            var nearest = NearestCentroids(sample, centroids, 1, cancel);
            for (int i = 0; i < sample.Length; i++) assignment[i] = nearest[i][0];
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

    /// <summary>Each face's <paramref name="count"/> most similar centroids, most similar first; four faces at a time.</summary>
    static int[][] NearestCentroids(IReadOnlyList<float[]> faces, float[][] centroids, int count, CancellationToken cancel)
    {
        int n = faces.Count, m = centroids.Length, d = centroids[0].Length;
        var packed = BlockDot.Pack(centroids);
        var result = new int[n][];
        Parallel.For(0, (n + 3) / 4, new ParallelOptions { CancellationToken = cancel }, () => new float[4 * m], (block, _, scores) =>
        {
            int first = 4 * block;
            float[] Face(int t) => faces[Math.Min(first + t, n - 1)];
            BlockDot.Four(Face(0), Face(1), Face(2), Face(3), packed, m, d, scores);
            for (int t = 0; t < 4 && first + t < n; t++)
                result[first + t] = Best(scores.AsSpan(t * m, m), count);
            return scores;
        }, _ => { });
        return result;
    }

    /// <summary>The indexes of the <paramref name="count"/> largest scores, largest first (a small insertion sort).</summary>
    static int[] Best(ReadOnlySpan<float> scores, int count)
    {
        count = Math.Min(count, scores.Length);
        var ids = new int[count];
        Span<float> top = stackalloc float[count];
        int filled = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            float s = scores[c];
            if (filled == count && s <= top[count - 1]) continue;
            int i = filled < count ? filled++ : count - 1;
            while (i > 0 && top[i - 1] < s) { top[i] = top[i - 1]; ids[i] = ids[i - 1]; i--; }
            top[i] = s; ids[i] = c;
        }
        return ids;
    }
}
