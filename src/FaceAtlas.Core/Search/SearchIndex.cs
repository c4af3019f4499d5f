using System.Collections;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vectors;

namespace FaceAtlas.Core.Search;

/// <summary>A face found by the index and how similar it is to the query (from its two codes: within ~0.00001).</summary>
public readonly record struct FaceMatch(long Face, float Similarity);

/// <summary>
/// The approximate-nearest-neighbour index over every face embedding of a catalog: an HNSW graph walked with 4-bit
/// codes (256 bytes a 512-D face, <see cref="Int4Codes"/>), each node knowing its face id and packed attributes
/// (for filters). The candidates the walk finds are ranked again with an int8 code of what the 4-bit code missed
/// (the residual), which makes the similarities all but exact (strangers around 0.2 otherwise swap places by
/// quantisation noise) for 516 more bytes a face. It follows the catalog through the catalog's log of embedding
/// changes: a changed face's old node is marked removed and a new node added; when removed nodes pass a quarter of
/// the graph it is rebuilt. Saved as one file beside the catalog. What else was tried for the walk, and why it was
/// not kept, is in docs/BENCHMARKS.md.
/// </summary>
public sealed class SearchIndex
{
    const int Magic = 0x46414958; // "FAIX"
    const int FormatVersion = 2; // 2: 4-bit walking codes (1: int8)
    public const int DefaultEf = 128;
    // The graph's density: chosen by bench -- search-scale at a million faces as the most recall for the time, at the
    // cost of a longer build made once (the figures beside the ones not chosen: docs/BENCHMARKS.md).
    public const int EfConstruction = 400;
    public const int Links = 32;

    readonly HnswGraph _graph;
    long[] _faceOf = [];
    sbyte[] _residuals = [];
    float[] _residualFactors = [];
    uint[] _tags = [];
    readonly BitArray _removed = new(0);
    readonly Dictionary<long, int> _nodeOf = [];

    SearchIndex(HnswGraph graph, string catalogId, long revision)
    {
        _graph = graph;
        CatalogId = catalogId;
        Revision = revision;
    }

    /// <summary>The catalog this index belongs to (its id, so an index beside a replaced catalog is not believed).</summary>
    public string CatalogId { get; }

    /// <summary>The catalog's embedding revision the index reflects.</summary>
    public long Revision { get; private set; }

    /// <summary>Faces the index can return.</summary>
    public int Count => _nodeOf.Count;

    /// <summary>Nodes in the graph, removed ones included.</summary>
    public int Nodes => _graph.Count;

    /// <summary>Builds an index over <paramref name="faces"/> on <paramref name="threads"/> cores (0: all).</summary>
    public static SearchIndex Build(IReadOnlyList<FaceVector> faces, string catalogId, long revision, int threads = 0)
    {
        int dims = faces.Count > 0 ? faces[0].Embedding.Length : Embeddings.Dimensions;
        var index = new SearchIndex(new HnswGraph(dims, Links, EfConstruction), catalogId, revision);
        index.Add(faces, threads);
        return index;
    }

    /// <summary>
    /// Room for faces to come beyond <paramref name="nodes"/>: a catch-up of a few photos then writes into it. Growing
    /// every array to the exact size instead copied the whole index at the first new face, a second gigabyte held at
    /// once at a million faces (docs/BENCHMARKS.md).
    /// </summary>
    static int WithRoom(int nodes) => nodes + Math.Max(1024, nodes / 32);

    /// <summary>Adds faces (not already in the index) to the graph, linking them on several threads.</summary>
    void Add(IReadOnlyList<FaceVector> faces, int threads)
    {
        if (faces.Count == 0) return;
        int first = _graph.Count, total = first + faces.Count;
        if (total > _faceOf.Length)
        {
            int capacity = WithRoom(total);
            _graph.Reserve(capacity);
            Array.Resize(ref _faceOf, capacity);
            Array.Resize(ref _tags, capacity);
            Array.Resize(ref _residuals, capacity * _graph.Dimensions);
            Array.Resize(ref _residualFactors, capacity);
            HugePages.Advise(_residuals);
        }
        _removed.Length = total;
        var residual = new float[_graph.Dimensions];
        foreach (var face in faces)
        {
            int node = _graph.Store(face.Embedding);
            StoreResidual(node, face.Embedding, residual);
            _faceOf[node] = face.Id;
            _tags[node] = FaceTags.Pack(face.Attributes);
            _nodeOf[face.Id] = node;
        }
        // The first few hundred nodes one by one: parallel linking into a near-empty graph would leave it sparse.
        int serial = Math.Min(total, first + 256);
        for (int node = first; node < serial; node++) _graph.Link(node);
        Parallel.For(serial, total, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount },
            node => _graph.Link(node));
    }

    /// <summary>
    /// Brings the index up to <paramref name="revision"/>: every face in <paramref name="changed"/> loses its node,
    /// and those in <paramref name="current"/> (the changed faces that still have an embedding) get a new one.
    /// Returns the index to use from now on: this one, or a rebuilt one when too many nodes were removed.
    /// </summary>
    public SearchIndex Apply(IReadOnlyCollection<long> changed, IReadOnlyList<FaceVector> current, long revision, int threads = 0)
    {
        foreach (long face in changed)
            if (_nodeOf.Remove(face, out int node))
            {
                _removed[node] = true;
                // A removed face may be a forgotten person's: none of its codes may stay, in memory or in the file.
                _graph.Erase(node);
                Residual(node).Clear();
                _residualFactors[node] = 0;
            }
        Revision = revision;
        int removed = _graph.Count - _nodeOf.Count;
        if (removed <= _graph.Count / 4 || removed <= 1000)
        {
            Add(current, threads);
            return this;
        }
        // Rebuilt from the kept nodes' own codes, without reading the catalog again.
        var rebuilt = new SearchIndex(new HnswGraph(_graph.Dimensions, Links, EfConstruction), CatalogId, revision);
        var kept = _nodeOf.Values.Order().ToList();
        // Decoded vectors are within 0.00001 of the originals: codes made again from them are the same or off by one step.
        rebuilt.Add(kept.Select(n => new FaceVector(_faceOf[n], Decode(n), null)).ToList(), threads);
        for (int i = 0; i < kept.Count; i++) rebuilt._tags[i] = _tags[kept[i]];
        rebuilt.Add(current, threads);
        return rebuilt;
    }

    void StoreResidual(int node, ReadOnlySpan<float> vector, float[] residual)
    {
        var code = _graph.Code(node);
        float step = _graph.Step(node);
        for (int i = 0; i < residual.Length; i++) residual[i] = vector[i] - Int4Codes.Value(code, i, step);
        _residualFactors[node] = Int8Vectors.Quantize(residual, Residual(node));
    }

    Span<sbyte> Residual(int node) => _residuals.AsSpan(node * _graph.Dimensions, _graph.Dimensions);

    /// <summary>The vector back from both codes (within ~0.0001 a component).</summary>
    float[] Decode(int node)
    {
        var code = _graph.Code(node);
        var fine = Residual(node);
        float step = _graph.Step(node), fineFactor = _residualFactors[node];
        var v = new float[fine.Length];
        for (int i = 0; i < v.Length; i++) v[i] = Int4Codes.Value(code, i, step) + fine[i] * fineFactor;
        return v;
    }

    /// <summary>
    /// A query as the precise ranking needs it: the float vector (against the residual codes), and for the 4-bit
    /// codes its int8 form plus a second int8 form of what the first missed, so that this side too is all but exact.
    /// </summary>
    readonly record struct PreciseQuery(float[] Vector, WalkQuery Coarse, WalkQuery Fine)
    {
        public static PreciseQuery From(ReadOnlySpan<float> query)
        {
            var coarse = WalkQuery.From(query);
            var rest = new float[query.Length];
            for (int i = 0; i < rest.Length; i++) rest[i] = query[i] - coarse.Values[i] * coarse.Factor;
            return new PreciseQuery(query.ToArray(), coarse, WalkQuery.From(rest));
        }
    }

    /// <summary>The query's similarity to a node from both codes.</summary>
    float Precise(in PreciseQuery query, int node) =>
        _graph.Similarity(query.Coarse, node) + _graph.Similarity(query.Fine, node)
        + Int8Vectors.Dot(query.Vector, Residual(node)) * _residualFactors[node];

    /// <summary>
    /// The <paramref name="k"/> faces most similar to <paramref name="query"/> that pass <paramref name="filter"/>,
    /// best first. <paramref name="ef"/> trades time for recall (docs/BENCHMARKS.md).
    /// </summary>
    public IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k, SearchFilter? filter = null, int ef = DefaultEf)
    {
        var precise = PreciseQuery.From(query); // its coarse part walks the graph
        // No test at all when every node can be returned: it runs for each node the search keeps.
        Func<int, bool>? accept = filter is not null && !filter.IsEmpty ? node => !_removed[node] && filter.Accepts(_tags[node])
            : _nodeOf.Count < _graph.Count ? node => !_removed[node]
            : null;
        var found = _graph.Search(precise.Coarse, Math.Max(ef, k), accept);
        // Only candidates the 4-bit similarity puts near the k best can be among them: the rest are not ranked again
        // (each ranked candidate reads its residual code from memory; at ef 512 ranking all took ~0.23 ms a search).
        int ranked = found.Count;
        if (found.Count > k)
        {
            float floor = found[k - 1].Similarity - RankingMargin;
            while (ranked > k && found[ranked - 1].Similarity < floor) ranked--;
        }
        PrefetchResiduals(found, ranked);
        var matches = new List<FaceMatch>(ranked);
        for (int i = 0; i < ranked; i++)
            matches.Add(new FaceMatch(_faceOf[found[i].Node], Precise(precise, found[i].Node)));
        matches.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        if (matches.Count > k) matches.RemoveRange(k, matches.Count - k);
        return matches;
    }

    /// <summary>
    /// How far under the k-th best 4-bit similarity a candidate may be and still be ranked again. A 4-bit code's
    /// similarity is off by about 0.005 (one standard deviation; Int4CodesTests bounds it), so for a candidate cut off
    /// here to belong among the k best, two errors would have to add up to 0.05, seven standard deviations.
    /// </summary>
    internal const float RankingMargin = 0.05f;

    /// <summary>Asks the CPU to start loading the residual codes about to be read, so that their misses overlap.</summary>
    unsafe void PrefetchResiduals(List<(int Node, float Similarity)> found, int count)
    {
        int dims = _graph.Dimensions;
        fixed (sbyte* residuals = _residuals)
            for (int i = 0; i < count; i++)
                CacheLines.Prefetch((byte*)(residuals + (long)found[i].Node * dims), dims);
    }

    /// <summary>Every face compared through its codes: what the graph search approximates, for measuring it.</summary>
    public IReadOnlyList<FaceMatch> Scan(ReadOnlySpan<float> query, int k)
    {
        var heap = new PriorityQueue<int, float>(k + 1);
        var precise = PreciseQuery.From(query);
        for (int node = 0; node < _graph.Count; node++)
        {
            if (_removed[node]) continue;
            float s = Precise(precise, node);
            if (heap.Count < k) heap.Enqueue(node, s);
            else if (heap.TryPeek(out _, out float worst) && s > worst) heap.DequeueEnqueue(node, s);
        }
        var matches = new List<FaceMatch>(heap.Count);
        while (heap.TryDequeue(out int node, out float s)) matches.Add(new FaceMatch(_faceOf[node], s));
        matches.Reverse();
        return matches;
    }

    /// <summary>Saves the index whole (<see cref="WholeFile"/>): a reader sees the old index or the new one, never half of one.</summary>
    public void Save(string path) => WholeFile.Write(path, stream =>
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(CatalogId);
        w.Write(Revision);
        _graph.Write(w);
        for (int node = 0; node < _graph.Count; node++) w.Write(_faceOf[node]);
        for (int node = 0; node < _graph.Count; node++) w.Write(_tags[node]);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_residuals.AsSpan(0, _graph.Count * _graph.Dimensions)));
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_residualFactors.AsSpan(0, _graph.Count)));
        for (int node = 0; node < _graph.Count; node++) w.Write(_removed[node]);
    });

    /// <summary>The catalog revision the index saved at <paramref name="path"/> is current with, read from its header alone; null when there is none.</summary>
    public static long? TryLoadRevision(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var r = new BinaryReader(stream);
            if (r.ReadInt32() != Magic || r.ReadInt32() != FormatVersion) return null;
            r.ReadString();
            return r.ReadInt64();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The index saved at <paramref name="path"/>, or null when there is none or it cannot be read (it is then rebuilt).</summary>
    public static SearchIndex? TryLoad(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var r = new BinaryReader(stream);
            if (r.ReadInt32() != Magic || r.ReadInt32() != FormatVersion) return null;
            string catalogId = r.ReadString();
            long revision = r.ReadInt64();
            var loaded = new SearchIndex(HnswGraph.Read(r, EfConstruction, WithRoom), catalogId, revision);
            int n = loaded._graph.Count, capacity = WithRoom(n);
            loaded._faceOf = new long[capacity];
            loaded._tags = new uint[capacity];
            loaded._removed.Length = n;
            for (int node = 0; node < n; node++) loaded._faceOf[node] = r.ReadInt64();
            for (int node = 0; node < n; node++) loaded._tags[node] = r.ReadUInt32();
            loaded._residuals = new sbyte[capacity * loaded._graph.Dimensions];
            loaded._residualFactors = new float[capacity];
            HugePages.Advise(loaded._residuals);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(loaded._residuals.AsSpan(0, n * loaded._graph.Dimensions)));
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(loaded._residualFactors.AsSpan(0, n)));
            for (int node = 0; node < n; node++)
            {
                bool removed = r.ReadBoolean();
                loaded._removed[node] = removed;
                if (!removed) loaded._nodeOf[loaded._faceOf[node]] = node;
            }
            return loaded;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException or FormatException
                                   or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
