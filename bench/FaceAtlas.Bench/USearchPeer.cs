using Cloud.Unum.USearch;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Search;

namespace FaceAtlas.Bench;

/// <summary>
/// USearch (Cloud.Unum.USearch, a maintained HNSW in C++ behind a .NET binding) on the same faces and queries as
/// our index, with the same graph settings (M links a node, efConstruction, ef), cosine metric, vectors stored as
/// <paramref name="kind"/>, built on as many threads as ours. The binding takes ef only when the index is made, so each ef is its
/// own build. Its batch add reserves room once and adds from one thread; USearch itself adds from many threads
/// into room reserved beforehand (its C API reserves a context per hardware thread), and the binding's one-vector
/// add only reserves when the room is full, so the room for every face is reserved first (through the binding's
/// private IncreaseCapacity: it has no public reserve) and the faces are added side by side. Where a later binding
/// lacks that method, the batch add is used: one thread.
/// </summary>
internal sealed class USearchPeer : IDisposable
{
    readonly USearchIndex _index;

    /// <summary>Threads the build used (1 where the binding offers no way to reserve room first).</summary>
    public int BuildThreads { get; }

    public USearchPeer(IReadOnlyList<FaceVector> faces, ScalarKind kind, int ef, int threads)
    {
        _index = new USearchIndex(MetricKind.Cos, kind, (ulong)faces[0].Embedding.Length,
            connectivity: SearchIndex.Links, expansionAdd: SearchIndex.EfConstruction, expansionSearch: (ulong)ef);
        var reserve = typeof(USearchIndex).GetMethod("IncreaseCapacity", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        if (reserve is null || threads <= 1)
        {
            _index.Add(faces.Select(f => (ulong)f.Id).ToArray(), faces.Select(f => f.Embedding).ToArray());
            BuildThreads = 1;
            return;
        }
        reserve.Invoke(_index, [(ulong)faces.Count]);
        Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => _index.Add((ulong)faces[i].Id, faces[i].Embedding));
        if (_index.Size() != (ulong)faces.Count)
            throw new InvalidOperationException($"USearch holds {_index.Size()} of {faces.Count} faces after a parallel add");
        BuildThreads = threads;
    }

    /// <summary>The <paramref name="k"/> nearest faces, as similarities (1 - cosine distance).</summary>
    public IReadOnlyList<FaceMatch> Top(float[] query, int k)
    {
        int found = _index.Search(query, k, out var keys, out var distances);
        var matches = new FaceMatch[found];
        for (int i = 0; i < found; i++) matches[i] = new FaceMatch((long)keys[i], 1 - distances[i]);
        return matches;
    }

    public void Dispose() => _index.Dispose();

    /// <summary>The process's resident memory: USearch's graph lives outside the managed heap.</summary>
    public static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
