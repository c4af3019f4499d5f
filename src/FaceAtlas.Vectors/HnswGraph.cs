using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace FaceAtlas.Vectors;

/// <summary>
/// A hierarchical navigable small-world graph (Malkov and Yashunin, 2018) over 4-bit codes of unit vectors, with
/// similarity (dot product) as closeness. Nodes are numbered 0..Count-1 in the order they were added. Adding is
/// safe from several threads at once (per-node locks, as hnswlib does) once <see cref="Reserve"/> has made room;
/// searching is safe from several threads as long as nobody adds.
/// </summary>
public sealed class HnswGraph
{
    /// <summary>Links a node keeps on the upper layers; twice as many on layer 0, where every node lives.</summary>
    readonly int M;
    readonly int M0;
    readonly int Stride0, StrideUp; // [count, links...]

    readonly int _dims;
    readonly int _codeBytes;
    readonly int _efConstruction;
    readonly object[] _locks = Enumerable.Range(0, 4096).Select(_ => new object()).ToArray();
    readonly object _entryLock = new();
    readonly ThreadLocal<SearchScratch> _scratch;
    byte[] _codes;
    float[] _steps;
    int[] _links0;
    int[]?[] _upper;   // a node's links on layers 1..level, StrideUp ints a layer; null for a layer-0-only node
    byte[] _levels;
    int _count;
    int _entry = -1, _top = -1;
    readonly Random _random;

    public HnswGraph(int dims, int m, int efConstruction, int seed = 42)
    {
        (M, M0, Stride0, StrideUp) = (m, 2 * m, 2 * m + 1, m + 1);
        _dims = dims;
        _codeBytes = Int4Codes.CodeBytes(dims);
        _efConstruction = efConstruction;
        _random = new Random(seed);
        _codes = [];
        _steps = [];
        _links0 = [];
        _upper = [];
        _levels = [];
        _scratch = new ThreadLocal<SearchScratch>(() => new SearchScratch(dims));
    }

    public int Count => _count;
    public int Dimensions => _dims;

    public int LinksPerNode => M;

    /// <summary>Bytes held per node: codes, step, layer-0 links (upper layers add about 1/M of a layer's links).</summary>
    public int BytesPerNode => _codeBytes + 4 + 4 * Stride0 + 1 + 8 + 4 * StrideUp / (M - 1);

    /// <summary>Makes room for <paramref name="capacity"/> nodes; not to be called while others add.</summary>
    public void Reserve(int capacity)
    {
        if (capacity <= _levels.Length) return;
        Array.Resize(ref _codes, capacity * _codeBytes);
        Array.Resize(ref _steps, capacity);
        Array.Resize(ref _links0, capacity * Stride0);
        Array.Resize(ref _upper, capacity);
        Array.Resize(ref _levels, capacity);
        // Where Linux allows, on 2 MB pages: a search's scattered reads then stop missing the TLB (HugePages).
        HugePages.Advise(_codes);
        HugePages.Advise(_links0);
        HugePages.Advise(_steps);
    }

    public ReadOnlySpan<byte> Code(int node) => _codes.AsSpan(node * _codeBytes, _codeBytes);

    /// <summary>A node's step: its code's level u stands for (u - 7.5) x step.</summary>
    public float Step(int node) => _steps[node];

    /// <summary>Forgets a removed node's vector (its links stay, so searches still pass through it): nothing of a deleted face is kept.</summary>
    public void Erase(int node)
    {
        _codes.AsSpan(node * _codeBytes, _codeBytes).Fill(0x88);
        _steps[node] = 0;
    }

    /// <summary>Similarity of a query to a node.</summary>
    public float Similarity(in WalkQuery query, int node) =>
        Int4Codes.Similarity(Code(node), _steps[node], query.Values, query.Sum, query.Factor);

    /// <summary>A node's code as a query (for similarities between nodes), written into <paramref name="values"/>.</summary>
    WalkQuery AsQuery(int node, sbyte[] values) => WalkQuery.FromCode(Code(node), _dims, _steps[node], values);

    /// <summary>Takes the next node number and stores the vector there; <see cref="Link"/> then makes it findable.</summary>
    public int Store(ReadOnlySpan<float> vector)
    {
        int node = Interlocked.Increment(ref _count) - 1;
        if (node >= _levels.Length) throw new InvalidOperationException("Reserve room before adding");
        _steps[node] = Int4Codes.Encode(vector, _codes.AsSpan(node * _codeBytes, _codeBytes));
        int level;
        lock (_random) level = Math.Min(15, (int)(-Math.Log(1 - _random.NextDouble()) / Math.Log(M)));
        _levels[node] = (byte)level;
        if (level > 0) _upper[node] = new int[level * StrideUp];
        return node;
    }

    /// <summary>Links a stored node into the graph (Malkov's INSERT).</summary>
    public void Link(int node)
    {
        int level = _levels[node];
        int entry, top;
        lock (_entryLock)
        {
            if (_entry < 0)
            {
                (_entry, _top) = (node, level);
                return;
            }
            (entry, top) = (_entry, _top);
        }
        var query = AsQuery(node, _scratch.Value!.Inserted);
        for (int layer = top; layer > level; layer--)
            entry = Greedy(query, entry, layer, locked: true);
        for (int layer = Math.Min(level, top); layer >= 0; layer--)
        {
            var found = SearchLayer(query, entry, _efConstruction, layer, null, locked: true);
            var chosen = SelectNeighbours(found, layer == 0 ? M0 : M);
            // Added, not set: another thread may already have linked to this node here (it found the node through
            // a layer above), and overwriting its list would drop that back link and could leave the other node
            // unreachable (seen once as a face not finding itself first). Alone, the list is empty and this sets it.
            foreach (var (other, similarity) in chosen)
                AddLink(node, other, similarity, layer);
            foreach (var (other, similarity) in chosen)
                AddLink(other, node, similarity, layer);
            entry = found[0].Node;
        }
        if (level > top)
            lock (_entryLock)
                if (level > _top) (_entry, _top) = (node, level);
    }

    /// <summary>
    /// The <paramref name="ef"/> nodes most similar to the query found by the layered search, best first, keeping
    /// only nodes <paramref name="accept"/> takes (others are still walked through).
    /// </summary>
    public List<(int Node, float Similarity)> Search(in WalkQuery query, int ef, Func<int, bool>? accept)
    {
        if (_entry < 0) return [];
        int entry = _entry;
        for (int layer = _top; layer > 0; layer--)
            entry = Greedy(query, entry, layer, locked: false);
        return SearchLayer(query, entry, ef, 0, accept, locked: false);
    }

    object LockOf(int node) => _locks[node & (_locks.Length - 1)];

    Span<int> LinkSlot(int node, int layer) =>
        layer == 0 ? _links0.AsSpan(node * Stride0, Stride0) : _upper[node].AsSpan((layer - 1) * StrideUp, StrideUp);

    /// <summary>A copy of a node's links (under its lock while the graph may change), so a reader never sees a half-written list.</summary>
    int CopyLinks(int node, int layer, Span<int> into, bool locked)
    {
        if (!locked) return CopyLinks(LinkSlot(node, layer), into);
        lock (LockOf(node)) return CopyLinks(LinkSlot(node, layer), into);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int CopyLinks(Span<int> slot, Span<int> into)
    {
        int n = slot[0];
        slot.Slice(1, n).CopyTo(into);
        return n;
    }

    void SetLinks(int node, int layer, List<(int Node, float Similarity)> links)
    {
        var slot = LinkSlot(node, layer);
        slot[0] = links.Count;
        for (int i = 0; i < links.Count; i++) slot[i + 1] = links[i].Node;
    }

    /// <summary>Adds a back link; a full list is cut back to its best by the same heuristic that chose it.</summary>
    void AddLink(int node, int to, float similarity, int layer)
    {
        int max = layer == 0 ? M0 : M;
        lock (LockOf(node))
        {
            var slot = LinkSlot(node, layer);
            int n = slot[0];
            for (int i = 1; i <= n; i++)
                if (slot[i] == to) return;
            if (n < max)
            {
                slot[n + 1] = to;
                slot[0] = n + 1;
                return;
            }
            var candidates = new List<(int Node, float Similarity)>(n + 1) { (to, similarity) };
            var query = AsQuery(node, _scratch.Value!.Linked);
            for (int i = 1; i <= n; i++) candidates.Add((slot[i], Similarity(query, slot[i])));
            candidates.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
            SetLinks(node, layer, SelectNeighbours(candidates, max));
        }
    }

    /// <summary>
    /// Malkov's heuristic: take candidates best first, skipping one that is more similar to an already chosen
    /// neighbour than to the node, so links spread in all directions instead of bunching in one cluster.
    /// <paramref name="candidates"/> must be sorted best first.
    /// </summary>
    List<(int Node, float Similarity)> SelectNeighbours(List<(int Node, float Similarity)> candidates, int max)
    {
        var chosen = new List<(int Node, float Similarity)>(max);
        var scratch = _scratch.Value!;
        var asQueries = scratch.ChosenQueries(max); // the chosen as queries, in the thread's buffers
        foreach (var c in candidates)
        {
            if (chosen.Count == max) break;
            bool dominated = false;
            for (int r = 0; r < chosen.Count; r++)
                if (Similarity(asQueries[r], c.Node) > c.Similarity) { dominated = true; break; }
            if (dominated) continue;
            asQueries[chosen.Count] = AsQuery(c.Node, scratch.Chosen(chosen.Count));
            chosen.Add(c);
        }
        return chosen;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Greedy(in WalkQuery query, int entry, int layer, bool locked)
    {
        Span<int> links = stackalloc int[M0];
        float best = Similarity(query, entry);
        for (bool moved = true; moved;)
        {
            moved = false;
            int n = CopyLinks(entry, layer, links, locked);
            for (int i = 0; i < n; i++)
            {
                float s = Similarity(query, links[i]);
                if (s > best) (best, entry, moved) = (s, links[i], true);
            }
        }
        return entry;
    }

    /// <summary>Best-first search of one layer keeping the <paramref name="ef"/> best accepted nodes; returns them best first.</summary>
    // This and the other methods a search runs for every node are compiled fully optimised at once: a command-line
    // search is one query in a fresh process, which would otherwise run in the JIT's quick first tier (at 10k
    // faces 0.16 ms a query optimised, 0.23 ms as the benchmark's first 200 queries ran before).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    List<(int Node, float Similarity)> SearchLayer(in WalkQuery query, int entry, int ef, int layer,
        Func<int, bool>? accept, bool locked)
    {
        var scratch = _scratch.Value!;
        var visited = scratch.Visited;
        visited.Begin(_levels.Length);
        var candidates = scratch.Candidates; // keyed by minus the similarity: the most similar on top
        var results = scratch.Results;       // keyed by the similarity: the least similar on top, to drop
        candidates.Clear();
        results.Clear();
        Span<int> links = stackalloc int[M0];
        float s0 = Similarity(query, entry);
        visited.Mark(entry);
        candidates.Push(-s0, entry);
        if (accept is null || accept(entry)) results.Push(s0, entry);
        float worst = results.Count > 0 ? s0 : float.MinValue;
        while (candidates.Count > 0)
        {
            var (negated, current) = candidates.Pop();
            if (results.Count >= ef && -negated < worst) break;
            if (candidates.Count > 0) PrefetchLinks(candidates.TopNode, layer); // likely the next to expand
            int n = CopyLinks(current, layer, links, locked);
            PrefetchUnvisited(links[..n], visited);
            for (int i = 0; i < n; i++)
            {
                int next = links[i];
                if (!visited.Mark(next)) continue;
                float s = Similarity(query, next);
                bool full = results.Count >= ef;
                if (full && s <= worst) continue;
                candidates.Push(-s, next);
                if (accept is not null && !accept(next)) continue;
                if (full) results.ReplaceTop(s, next);
                else results.Push(s, next);
                worst = results.TopKey;
            }
        }
        var list = new List<(int Node, float Similarity)>(results.Count);
        while (results.Count > 0)
        {
            var (s, node) = results.Pop();
            list.Add((node, s));
        }
        list.Reverse();
        return list;
    }

    /// <summary>
    /// Asks the CPU to start loading the codes and steps of the neighbours about to be scored. At a million faces
    /// the codes (256 MB) are far beyond the caches and a search is a chain of cache misses, one node after another;
    /// fetched together, the misses overlap (hnswlib does the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    unsafe void PrefetchUnvisited(ReadOnlySpan<int> nodes, Visited visited)
    {
        if (!Sse.IsSupported) return;
        fixed (byte* codes = _codes)
        fixed (float* steps = _steps)
        {
            foreach (int node in nodes)
            {
                if (visited.Seen(node)) continue;
                CacheLines.Prefetch(codes + (long)node * _codeBytes, _codeBytes);
                Sse.Prefetch0(steps + node);
            }
        }
    }

    /// <summary>Asks the CPU to start loading a node's links (layer 0, where the misses are).</summary>
    unsafe void PrefetchLinks(int node, int layer)
    {
        if (!Sse.IsSupported || layer != 0) return;
        fixed (int* links = _links0)
            CacheLines.Prefetch((byte*)(links + (long)node * Stride0), Stride0 * sizeof(int));
    }

    /// <summary>What one search needs besides the graph, kept per thread so that searching allocates nothing.</summary>
    sealed class SearchScratch(int dims)
    {
        public readonly Visited Visited = new();
        public readonly NodeHeap Candidates = new();
        public readonly NodeHeap Results = new();
        /// <summary>The node being linked, and the node getting a back link, as queries.</summary>
        public readonly sbyte[] Inserted = new sbyte[Int4Codes.QueryLength(dims)], Linked = new sbyte[Int4Codes.QueryLength(dims)];
        readonly List<sbyte[]> _chosen = [];
        WalkQuery[] _chosenQueries = [];

        public WalkQuery[] ChosenQueries(int max) =>
            _chosenQueries.Length >= max ? _chosenQueries : _chosenQueries = new WalkQuery[max];

        /// <summary>The buffer for the <paramref name="i"/>th neighbour chosen by the link heuristic, as a query.</summary>
        public sbyte[] Chosen(int i)
        {
            while (_chosen.Count <= i) _chosen.Add(new sbyte[Int4Codes.QueryLength(dims)]);
            return _chosen[i];
        }
    }

    /// <summary>Nodes visited by one search, by generation number, so no clearing is needed between searches.</summary>
    sealed class Visited
    {
        // Two bytes a node (2 MB at a million), so that more of it stays in the cache; cleared every 65,535 searches.
        ushort[] _marks = [];
        ushort _generation;

        public void Begin(int capacity)
        {
            if (_marks.Length < capacity) (_marks, _generation) = (new ushort[capacity], 0);
            if (++_generation == ushort.MaxValue)
            {
                Array.Clear(_marks);
                _generation = 1;
            }
        }

        /// <summary>Whether this search has been to the node already (without marking it).</summary>
        public bool Seen(int node) => _marks[node] == _generation;

        /// <summary>True the first time a node is marked in this search.</summary>
        public bool Mark(int node)
        {
            if (_marks[node] == _generation) return false;
            _marks[node] = _generation;
            return true;
        }
    }

    // Persistence: the arrays as they are, little-endian, after a small header written by the owner.
    public void Write(BinaryWriter w)
    {
        w.Write(_dims);
        w.Write(M);
        w.Write(_count);
        w.Write(_entry);
        w.Write(_top);
        w.Write(_codes.AsSpan(0, _count * _codeBytes));
        w.Write(MemoryMarshal.AsBytes(_steps.AsSpan(0, _count)));
        w.Write(MemoryMarshal.AsBytes(_links0.AsSpan(0, _count * Stride0)));
        w.Write(_levels.AsSpan(0, _count));
        for (int i = 0; i < _count; i++)
            if (_levels[i] > 0) w.Write(MemoryMarshal.AsBytes(_upper[i].AsSpan()));
    }

    /// <summary>
    /// Reads a graph <see cref="Write"/> wrote, with room for <paramref name="capacity"/>(nodes) nodes in all, so that
    /// nodes added next need not copy it.
    /// </summary>
    public static HnswGraph Read(BinaryReader r, int efConstruction, Func<int, int>? capacity = null)
    {
        int dims = r.ReadInt32(), m = r.ReadInt32(), count = r.ReadInt32();
        if (dims is < 1 or > 4096 || m is < 2 or > 128 || count < 0 || (long)count * dims > r.BaseStream.Length)
            throw new InvalidDataException("not a search index");
        var graph = new HnswGraph(dims, m, efConstruction);
        graph.Reserve(Math.Max(capacity?.Invoke(count) ?? count, 1));
        graph._count = count;
        graph._entry = r.ReadInt32();
        graph._top = r.ReadInt32();
        ReadExactly(r, graph._codes.AsSpan(0, count * graph._codeBytes));
        ReadExactly(r, MemoryMarshal.AsBytes(graph._steps.AsSpan(0, count)));
        ReadExactly(r, MemoryMarshal.AsBytes(graph._links0.AsSpan(0, count * graph.Stride0)));
        ReadExactly(r, graph._levels.AsSpan(0, count));
        for (int i = 0; i < count; i++)
        {
            int level = graph._levels[i];
            if (level == 0) continue;
            graph._upper[i] = new int[level * graph.StrideUp];
            ReadExactly(r, MemoryMarshal.AsBytes(graph._upper[i].AsSpan()));
        }
        return graph;
    }

    static void ReadExactly(BinaryReader r, Span<byte> into) => r.BaseStream.ReadExactly(into);
}
