namespace FaceAtlas.Vectors;

/// <summary>An undirected edge between two faces (indexes into the embedding list) and their cosine similarity.</summary>
public readonly record struct FaceEdge(int A, int B, float Similarity);

/// <summary>
/// Which faces are worth comparing for clustering: each face's <c>k</c> most similar faces above a floor. Exact
/// (every pair is scored, blocked and parallel): right for a personal library; a million faces wants an
/// approximate index instead.
/// </summary>
public static class NeighbourGraph
{
    public static List<FaceEdge> Exact(IReadOnlyList<float[]> embeddings, int k, float minSimilarity, CancellationToken cancel = default) =>
        Exact(embeddings, null, k, minSimilarity, cancel);

    /// <summary>As above, but only the neighbours of <paramref name="queries"/> (all faces when null) are looked for.</summary>
    public static List<FaceEdge> Exact(IReadOnlyList<float[]> embeddings, IReadOnlyList<int>? queries, int k, float minSimilarity,
        CancellationToken cancel = default)
    {
        int n = embeddings.Count;
        var wanted = queries ?? Enumerable.Range(0, n).ToList();
        if (n == 0 || wanted.Count == 0) return [];
        int d = embeddings[0].Length;
        var packed = BlockDot.Pack(embeddings);

        // Blocks of queries against blocks of candidates small enough to stay in cache while each query of the block
        // is scored against them, four queries at a time (BlockDot). Each query block belongs to one thread.
        const int queryBlock = 64, candidateBlock = 256;
        var best = new NearestFaces(wanted.Count, k);
        Parallel.For(0, (wanted.Count + queryBlock - 1) / queryBlock, new ParallelOptions { CancellationToken = cancel },
            () => new float[4 * candidateBlock], (block, _, scores) =>
            {
                int first = block * queryBlock, last = Math.Min(wanted.Count, first + queryBlock);
                for (int from = 0; from < n; from += candidateBlock)
                {
                    int count = Math.Min(candidateBlock, n - from);
                    var candidates = packed.AsSpan(from * d, count * d);
                    for (int q = first; q < last; q += 4)
                    {
                        int rows = Math.Min(4, last - q);
                        float[] Query(int t) => embeddings[wanted[q + Math.Min(t, rows - 1)]];
                        BlockDot.Four(Query(0), Query(1), Query(2), Query(3), candidates, count, d, scores);
                        for (int t = 0; t < rows; t++)
                        {
                            int face = wanted[q + t];
                            var row = scores.AsSpan(t * count, count);
                            for (int c = 0; c < count; c++)
                                if (row[c] >= minSimilarity && from + c != face)
                                    best.Offer(q + t, from + c, row[c]);
                        }
                    }
                }
                return scores;
            }, _ => { });
        return Edges(wanted, best);
    }

    /// <summary>Keep an edge when either end has the other among its k best (the union keeps small clusters whole); each pair once.</summary>
    internal static List<FaceEdge> Edges(IReadOnlyList<int> wanted, NearestFaces best)
    {
        var keys = new long[best.Capacity];
        var similarities = new float[best.Capacity];
        int count = 0;
        for (int qi = 0; qi < wanted.Count; qi++)
        {
            int q = wanted[qi];
            foreach (var (other, similarity) in best.Of(qi))
            {
                keys[count] = ((long)Math.Min(q, other) << 32) | (uint)Math.Max(q, other);
                similarities[count++] = similarity;
            }
        }
        Array.Sort(keys, similarities, 0, count);
        int unique = 0;
        for (int i = 0; i < count; i++)
            if (i == 0 || keys[i] != keys[i - 1]) unique++;
        var edges = new List<FaceEdge>(unique); // most pairs are found from both ends: sized for the pairs, not the finds
        for (int i = 0; i < count; i++)
            if (i == 0 || keys[i] != keys[i - 1])
                edges.Add(new FaceEdge((int)(keys[i] >> 32), (int)(uint)keys[i], similarities[i]));
        return edges;
    }
}
