using FaceAtlas.Vectors;
using System.Numerics.Tensors;

namespace FaceAtlas.Core.People;

/// <summary>
/// Agglomerative clustering with average linkage, merging only clusters joined by a neighbour-graph edge. For
/// L2-normalised embeddings the average similarity over all pairs of two clusters is the dot product of their
/// mean vectors, so the linkage is exact however sparse the graph, and one stray similar pair cannot chain two
/// people together the way single linkage (connected components) does.
///
/// Rules, each a named step below: two clusters never merge when they share a photo (cannot-link), when both
/// hold faces fixed to different people (see <see cref="ClusterFace.FixedPerson"/>), or when one holds a face a
/// user rejected from the other's person.
///
/// A million faces start as nearly a million clusters, so what a cluster holds lives in flat arrays indexed by
/// cluster (its members as a chain through the nodes, its neighbours as one array of cluster numbers), not in
/// objects and sets of its own: the linkage then costs little beside the embeddings it reads.
/// </summary>
public sealed class AverageLinkage
{
    readonly IReadOnlyList<ClusterFace> _faces;

    /// <summary>Node (a face, then a person seeded) → the live cluster it is in.</summary>
    readonly int[] _clusterOf;

    /// <summary>Node → the next node of its cluster, -1 at the last.</summary>
    readonly int[] _nextMember;

    // Per cluster, numbered as seeded (0 .. _clusters-1); a cluster keeps its number while it grows.
    int _clusters;
    readonly float[][] _sum;
    /// <summary>A lone face's sum is its embedding, shared until the first merge: a million faces, not two copies.</summary>
    readonly bool[] _ownsSum;
    readonly int[] _count;
    readonly long?[] _person;
    readonly HashSet<long>?[] _rejected;
    /// <summary>Itself while the cluster is alive, else the cluster it joined (followed on to the live one).</summary>
    readonly int[] _joined;
    readonly int[] _firstMember, _lastMember, _memberCount;

    /// <summary>
    /// Sums of retired clusters, given to the next cluster that needs one of its own: a million faces make hundreds of
    /// thousands of merges, and each sum left to the collector would be one more long-lived 2 KB array for it to find.
    /// </summary>
    readonly Stack<float[]> _spareSums = new();

    // Photos, for the cannot-link: node → its photos, photo → its nodes (numbered densely), each as offsets into one
    // array. A face is on one photo; a person seeded, on the photos of the free faces they are in.
    readonly int[] _photoStart, _photos, _nodeStart, _nodesOfPhoto;

    // Neighbours: each cluster's as the graph gave them (offsets into one array) until its first merge, then an array
    // of its own. Either may name clusters retired since, read through _joined.
    int[] _edgeStart = [], _edgeCount = [], _edges = [];
    int[]?[] _own = [];
    int[] _ownCount = [];
    /// <summary>Stamps marking the clusters already gathered in one pass (no set per pass).</summary>
    int[] _seen = [];
    int _stamp;
    readonly List<int> _gathered = [];

    public AverageLinkage(IReadOnlyList<ClusterFace> faces) : this(faces, []) { }

    /// <summary>
    /// Clusters <paramref name="faces"/> beside <paramref name="people"/>, each person one cluster from the start
    /// (fixed to them, as their faces would be). Edges and labels number the faces first, then the people: person
    /// j is node <c>faces.Count + j</c>. The people's sums become this clustering's own.
    /// </summary>
    public AverageLinkage(IReadOnlyList<ClusterFace> faces, IReadOnlyList<PersonAsCluster> people)
    {
        _faces = faces;
        int nodes = faces.Count + people.Count;
        _clusterOf = new int[nodes];
        _nextMember = new int[nodes];
        _sum = new float[nodes][];
        _ownsSum = new bool[nodes];
        _count = new int[nodes];
        _person = new long?[nodes];
        _rejected = new HashSet<long>?[nodes];
        _joined = new int[nodes];
        _firstMember = new int[nodes];
        _lastMember = new int[nodes];
        _memberCount = new int[nodes];
        (_photoStart, _photos, _nodeStart, _nodesOfPhoto) = PhotosOf(faces, people);
        SeedClusters();
        SeedPeople(people);
    }

    static (int[] PhotoStart, int[] Photos, int[] NodeStart, int[] NodesOfPhoto) PhotosOf(IReadOnlyList<ClusterFace> faces, IReadOnlyList<PersonAsCluster> people)
    {
        int nodes = faces.Count + people.Count;
        var dense = new Dictionary<long, int>();
        int Dense(long photo)
        {
            if (!dense.TryGetValue(photo, out var d)) dense[photo] = d = dense.Count;
            return d;
        }
        var photoStart = new int[nodes + 1];
        for (int i = 0; i < faces.Count; i++) photoStart[i + 1] = photoStart[i] + 1;
        for (int j = 0; j < people.Count; j++) photoStart[faces.Count + j + 1] = photoStart[faces.Count + j] + people[j].PhotosAmong.Count;
        var photos = new int[photoStart[nodes]];
        for (int i = 0; i < faces.Count; i++) photos[i] = Dense(faces[i].PhotoId);
        for (int j = 0; j < people.Count; j++)
        {
            int at = photoStart[faces.Count + j];
            foreach (var photo in people[j].PhotosAmong) photos[at++] = Dense(photo);
        }
        var nodeStart = new int[dense.Count + 1];
        foreach (var p in photos) nodeStart[p + 1]++;
        for (int p = 0; p < dense.Count; p++) nodeStart[p + 1] += nodeStart[p];
        var filled = nodeStart[..^1];
        var nodesOfPhoto = new int[photos.Length];
        for (int node = 0; node < nodes; node++)
            for (int i = photoStart[node]; i < photoStart[node + 1]; i++)
                nodesOfPhoto[filled[photos[i]]++] = node;
        return (photoStart, photos, nodeStart, nodesOfPhoto);
    }

    int NewCluster(int node, float[] sum, bool ownsSum, int count, long? person)
    {
        int c = _clusters++;
        _sum[c] = sum;
        _ownsSum[c] = ownsSum;
        _count[c] = count;
        _person[c] = person;
        _joined[c] = c;
        _firstMember[c] = _lastMember[c] = node;
        _memberCount[c] = 1;
        _nextMember[node] = -1;
        _clusterOf[node] = c;
        return c;
    }

    void SeedPeople(IReadOnlyList<PersonAsCluster> people)
    {
        for (int j = 0; j < people.Count; j++)
            NewCluster(_faces.Count + j, people[j].Sum, ownsSum: true, people[j].Faces, people[j].Person);
    }

    /// <summary>Faces fixed to one person start as one cluster; every other face starts alone.</summary>
    void SeedClusters()
    {
        var seeded = new Dictionary<long, int>();
        for (int i = 0; i < _faces.Count; i++)
        {
            var face = _faces[i];
            if (face.FixedPerson is { } person && seeded.TryGetValue(person, out var existing))
            {
                Absorb(existing, i);
                continue;
            }
            int c = NewCluster(i, face.Embedding, ownsSum: false, 1, face.FixedPerson);
            if (face.RejectedPeople is { Count: > 0 } rejected) _rejected[c] = [.. rejected];
            if (face.FixedPerson is { } p) seeded[p] = c;
        }
    }

    void Absorb(int c, int face)
    {
        var f = _faces[face];
        OwnSum(c);
        TensorPrimitives.Add(_sum[c], f.Embedding, _sum[c]);
        _count[c]++;
        _clusterOf[face] = c;
        _nextMember[face] = -1;
        _nextMember[_lastMember[c]] = face;
        _lastMember[c] = face;
        _memberCount[c]++;
        if (f.RejectedPeople is { Count: > 0 } rejected)
            (_rejected[c] ??= []).UnionWith(rejected);
    }

    void OwnSum(int c)
    {
        if (_ownsSum[c]) return;
        var sum = _spareSums.TryPop(out var spare) ? spare : new float[_sum[c].Length];
        _sum[c].CopyTo(sum, 0);
        _sum[c] = sum;
        _ownsSum[c] = true;
    }

    /// <summary>Average similarity of every face of one cluster with every face of the other.</summary>
    float Linkage(int a, int b) => TensorPrimitives.Dot(_sum[a], _sum[b]) / ((float)_count[a] * _count[b]);

    /// <summary>Cannot-link: a shared photo, two different user-given people, or a user's "not this person".</summary>
    bool MayMerge(int a, int b)
    {
        if (_person[a] is { } pa && _person[b] is { } pb && pa != pb) return false;
        if (_person[a] is { } p1 && _rejected[b]?.Contains(p1) == true) return false;
        if (_person[b] is { } p2 && _rejected[a]?.Contains(p2) == true) return false;
        return !SharePhoto(a, b);
    }

    /// <summary>Whether a node of the cluster with fewer nodes is on a photo with a node of the other.</summary>
    bool SharePhoto(int a, int b)
    {
        var (small, large) = _memberCount[a] <= _memberCount[b] ? (a, b) : (b, a);
        for (int node = _firstMember[small]; node >= 0; node = _nextMember[node])
            for (int i = _photoStart[node]; i < _photoStart[node + 1]; i++)
            {
                int photo = _photos[i];
                for (int j = _nodeStart[photo]; j < _nodeStart[photo + 1]; j++)
                    if (_clusterOf[_nodesOfPhoto[j]] == large) return true;
            }
        return false;
    }

    /// <summary>
    /// Merges the most similar pair of neighbouring clusters while their linkage is at least <paramref name="threshold"/>.
    /// Returns, per face (then per person seeded), the index of its cluster (0..clusters-1, dense).
    /// </summary>
    public int[] Run(IEnumerable<FaceEdge> edges, float threshold, CancellationToken cancel = default) =>
        Run(edges, threshold, 0, cancel);

    /// <summary>
    /// As <see cref="Run(IEnumerable{FaceEdge}, float, CancellationToken)"/>, but two small clusters need more: a pair
    /// must reach <paramref name="threshold"/> + <paramref name="smallPenalty"/> / sqrt(n_a · n_b). One pair of faces is
    /// one noisy measurement; the mean of many pairs is a steady one.
    /// </summary>
    public int[] Run(IEnumerable<FaceEdge> edges, float threshold, float smallPenalty, CancellationToken cancel = default)
    {
        _threshold = threshold;
        _penalty = smallPenalty;
        var edgeList = edges as IReadOnlyList<FaceEdge> ?? edges.ToList();
        if (edgeList.Count >= ManyEdges) GC.Collect();
        ConnectNeighbours(edgeList);
        var queue = new MergeOffers(_edges.Length / 2, Current);
        for (int a = 0; a < _clusters; a++)
            foreach (var b in Neighbours(a))
                if (a < b) Offer(queue, a, b);

        int merges = 0;
        while (queue.TryDequeue(out var offer))
        {
            if ((++merges & 0xFFF) == 0) cancel.ThrowIfCancellationRequested();
            var (a, b) = (offer.A, offer.B);
            if (!Current(offer)) continue;
            if (!MayMerge(a, b)) continue;
            int into = Merge(a, b);
            foreach (var n in Neighbours(into))
                Offer(queue, into, n);
        }
        return Labels();
    }

    /// <summary>
    /// Each cluster's neighbours from the graph, each once, in the order the edges first name them.
    /// </summary>
    void ConnectNeighbours(IReadOnlyList<FaceEdge> edges)
    {
        _edgeStart = new int[_clusters + 1];
        _edgeCount = new int[_clusters];
        _own = new int[]?[_clusters];
        _ownCount = new int[_clusters];
        _seen = new int[_clusters];
        foreach (var e in edges)
        {
            int a = _clusterOf[e.A], b = _clusterOf[e.B];
            if (a == b) continue;
            _edgeStart[a + 1]++;
            _edgeStart[b + 1]++;
        }
        for (int c = 0; c < _clusters; c++) _edgeStart[c + 1] += _edgeStart[c];
        _edges = new int[_edgeStart[_clusters]];
        foreach (var e in edges)
        {
            int a = _clusterOf[e.A], b = _clusterOf[e.B];
            if (a == b) continue;
            _edges[_edgeStart[a] + _edgeCount[a]++] = b;
            _edges[_edgeStart[b] + _edgeCount[b]++] = a;
        }
        for (int c = 0; c < _clusters; c++)
        {
            _stamp++;
            int start = _edgeStart[c], kept = 0;
            for (int i = 0; i < _edgeCount[c]; i++)
            {
                int n = _edges[start + i];
                if (_seen[n] == _stamp) continue;
                _seen[n] = _stamp;
                _edges[start + kept++] = n;
            }
            _edgeCount[c] = kept;
        }
    }

    ReadOnlySpan<int> Stored(int c) => _own[c] is { } own ? own.AsSpan(0, _ownCount[c]) : _edges.AsSpan(_edgeStart[c], _edgeCount[c]);

    /// <summary>
    /// The clusters next to <paramref name="c"/>, all live when read where this is: at the start, and right after a
    /// merge made the grown cluster's list anew (<see cref="JoinNeighbours"/>).
    /// </summary>
    ReadOnlySpan<int> Neighbours(int c) => Stored(c);

    int Live(int c)
    {
        while (_joined[c] != c)
        {
            _joined[c] = _joined[_joined[c]];
            c = _joined[c];
        }
        return c;
    }

    /// <summary>
    /// <paramref name="into"/>'s neighbours after <paramref name="from"/> joined it: both lists, each cluster read as
    /// the live one it is now in, once each, neither of the two. Other clusters' lists still name
    /// <paramref name="from"/>; they are read the same way when their turn comes.
    /// </summary>
    void JoinNeighbours(int into, int from)
    {
        _stamp++;
        _seen[into] = _stamp;
        _gathered.Clear();
        Gather(Stored(into));
        Gather(Stored(from));
        var own = _own[into] is { } mine && mine.Length >= _gathered.Count ? mine
            : _own[from] is { } theirs && theirs.Length >= _gathered.Count ? theirs
            : new int[Math.Max(4, _gathered.Count + _gathered.Count / 2)];
        _gathered.CopyTo(own);
        _own[into] = own;
        _ownCount[into] = _gathered.Count;
        _own[from] = null;
        _ownCount[from] = 0;
        _edgeCount[from] = 0;
    }

    void Gather(ReadOnlySpan<int> neighbours)
    {
        foreach (var n in neighbours)
        {
            int live = Live(n);
            if (_seen[live] == _stamp) continue;
            _seen[live] = _stamp;
            _gathered.Add(live);
        }
    }

    float _threshold, _penalty;

    /// <summary>
    /// From this many edges on, what the caller left behind is collected before the linkage's arrays grow: the graph
    /// over a million faces leaves 700 MB of working arrays, which the collector would otherwise still hold at the
    /// linkage's peak (docs/BENCHMARKS.md). The few edges of a new batch of faces leave little, and a full
    /// collection beside a million embeddings would cost it more than it saves.
    /// </summary>
    const int ManyEdges = 1_000_000;

    float Required(int a, int b) => _threshold + _penalty / MathF.Sqrt((float)_count[a] * _count[b]);

    void Offer(MergeOffers queue, int a, int b)
    {
        float linkage = Linkage(a, b);
        if (linkage >= Required(a, b))
            queue.Enqueue(new MergeOffer(linkage, a, b));
    }

    /// <summary>
    /// Whether an offer still stands: both clusters alive and as alike as when offered. A cluster changes only by a
    /// merge, which changes its sum, and a grown cluster is offered anew, so an offer from before it grew is stale.
    /// Should a grown pair come out exactly as alike as before, the offer is the same as the new one and may stand.
    /// </summary>
    bool Current(MergeOffer offer) =>
        _joined[offer.A] == offer.A && _joined[offer.B] == offer.B && Linkage(offer.A, offer.B) == offer.Linkage
        && offer.Linkage >= Required(offer.A, offer.B);

    /// <summary>The smaller cluster joins the larger; the joined one is retired.</summary>
    int Merge(int a, int b)
    {
        if (_count[a] < _count[b]) (a, b) = (b, a);
        OwnSum(a);
        TensorPrimitives.Add(_sum[a], _sum[b], _sum[a]);
        _count[a] += _count[b];
        _person[a] ??= _person[b];
        if (_rejected[b] is { } rejected) (_rejected[a] ??= []).UnionWith(rejected);
        _rejected[b] = null;
        for (int node = _firstMember[b]; node >= 0; node = _nextMember[node]) _clusterOf[node] = a;
        _nextMember[_lastMember[a]] = _firstMember[b];
        _lastMember[a] = _lastMember[b];
        _memberCount[a] += _memberCount[b];
        _joined[b] = a;
        JoinNeighbours(a, b);
        if (_ownsSum[b]) _spareSums.Push(_sum[b]);
        _sum[b] = [];
        _ownsSum[b] = false;
        return a;
    }

    int[] Labels()
    {
        var dense = new Dictionary<int, int>();
        var labels = new int[_clusterOf.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (!dense.TryGetValue(_clusterOf[i], out var label)) dense[_clusterOf[i]] = label = dense.Count;
            labels[i] = label;
        }
        return labels;
    }
}
