using System.Numerics.Tensors;

namespace FaceAtlas.Core.People;

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
        var best = new (int Other, float Sim)[n][];
        int count = queries?.Count ?? n;
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancel }, () => new TopK(k), (q, _, top) =>
        {
            int i = queries is null ? q : queries[q];
            top.Clear();
            var ei = embeddings[i];
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                float s = TensorPrimitives.Dot(ei, embeddings[j]);
                if (s >= minSimilarity) top.Offer(j, s);
            }
            best[i] = top.ToArray();
            return top;
        }, _ => { });

        // Keep an edge when either end has the other among its k best (the union keeps small clusters whole).
        var edges = new Dictionary<(int, int), float>();
        for (int i = 0; i < n; i++)
            foreach (var (j, s) in best[i] ?? [])
                edges[(Math.Min(i, j), Math.Max(i, j))] = s;
        return edges.Select(e => new FaceEdge(e.Key.Item1, e.Key.Item2, e.Value)).ToList();
    }

    /// <summary>The k largest offers seen, kept in a small min-heap.</summary>
    sealed class TopK(int k)
    {
        readonly PriorityQueue<int, float> _heap = new();

        public void Clear() => _heap.Clear();

        public void Offer(int index, float similarity)
        {
            if (_heap.Count < k) _heap.Enqueue(index, similarity);
            else if (_heap.TryPeek(out _, out var worst) && similarity > worst) _heap.EnqueueDequeue(index, similarity);
        }

        public (int, float)[] ToArray() => _heap.UnorderedItems.Select(x => (x.Element, x.Priority)).ToArray();
    }
}
