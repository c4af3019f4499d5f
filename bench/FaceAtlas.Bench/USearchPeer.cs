using Cloud.Unum.USearch;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Search;

namespace FaceAtlas.Bench;

/// <summary>
/// USearch (Cloud.Unum.USearch, a maintained HNSW in C++ behind a .NET binding) on the same faces and queries as
/// our index, with the same graph settings (M links a node, efConstruction, ef), cosine metric, vectors stored as
/// <paramref name="kind"/>. The binding adds from one thread and takes ef only when the index is made, so its build
/// is single-threaded and each ef is its own build. All faces go in one call: the binding then reserves room once
/// (added one at a time, it reserves room for one more vector before each).
/// </summary>
internal sealed class USearchPeer : IDisposable
{
    readonly USearchIndex _index;

    public USearchPeer(IReadOnlyList<FaceVector> faces, ScalarKind kind, int ef)
    {
        _index = new USearchIndex(MetricKind.Cos, kind, (ulong)faces[0].Embedding.Length,
            connectivity: SearchIndex.Links, expansionAdd: SearchIndex.EfConstruction, expansionSearch: (ulong)ef);
        _index.Add(faces.Select(f => (ulong)f.Id).ToArray(), faces.Select(f => f.Embedding).ToArray());
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
