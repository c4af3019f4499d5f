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
/// </summary>
public sealed class AverageLinkage
{
    readonly IReadOnlyList<ClusterFace> _faces;
    readonly List<Cluster> _clusters = [];
    readonly int[] _clusterOf;

    /// <summary>
    /// Sums of retired clusters, given to the next cluster that needs one of its own: a million faces make hundreds of
    /// thousands of merges, and each sum left to the collector would be one more long-lived 2 KB array for it to find.
    /// </summary>
    readonly Stack<float[]> _spareSums = new();

    sealed class Cluster
    {
        public required float[] Sum;
        /// <summary>A lone face's sum is its embedding, shared until the first merge: a million faces, not two copies.</summary>
        public bool OwnsSum;
        public int Count;
        public required HashSet<long> Photos;
        public long? Person;
        public HashSet<long>? Rejected;
        public HashSet<int> Neighbours = [];
        public int Version;
        public bool Alive = true;
        public List<int> Members = [];
    }

    public AverageLinkage(IReadOnlyList<ClusterFace> faces) : this(faces, []) { }

    /// <summary>
    /// Clusters <paramref name="faces"/> beside <paramref name="people"/>, each person one cluster from the start
    /// (fixed to them, as their faces would be). Edges and labels number the faces first, then the people: person
    /// j is node <c>faces.Count + j</c>. The people's sums become this clustering's own.
    /// </summary>
    public AverageLinkage(IReadOnlyList<ClusterFace> faces, IReadOnlyList<PersonAsCluster> people)
    {
        _faces = faces;
        _clusterOf = new int[faces.Count + people.Count];
        SeedClusters();
        SeedPeople(people);
    }

    void SeedPeople(IReadOnlyList<PersonAsCluster> people)
    {
        for (int j = 0; j < people.Count; j++)
        {
            var person = people[j];
            int node = _faces.Count + j;
            _clusterOf[node] = _clusters.Count;
            _clusters.Add(new Cluster
            {
                Sum = person.Sum, OwnsSum = true, Count = person.Faces, Photos = [.. person.PhotosAmong], Person = person.Person, Members = [node],
            });
        }
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
                Absorb(_clusters[existing], i);
                _clusterOf[i] = existing;
                continue;
            }
            var cluster = new Cluster { Sum = face.Embedding, Photos = [face.PhotoId], Person = face.FixedPerson, Count = 1, Members = [i] };
            if (face.RejectedPeople is { Count: > 0 } rejected) cluster.Rejected = [.. rejected];
            _clusterOf[i] = _clusters.Count;
            if (face.FixedPerson is { } p) seeded[p] = _clusters.Count;
            _clusters.Add(cluster);
        }
    }

    void Absorb(Cluster c, int face)
    {
        var f = _faces[face];
        OwnSum(c);
        TensorPrimitives.Add(c.Sum, f.Embedding, c.Sum);
        c.Count++;
        c.Photos.Add(f.PhotoId);
        c.Members.Add(face);
        if (f.RejectedPeople is { Count: > 0 } rejected)
            (c.Rejected ??= []).UnionWith(rejected);
    }

    void OwnSum(Cluster c)
    {
        if (c.OwnsSum) return;
        var sum = _spareSums.TryPop(out var spare) ? spare : new float[c.Sum.Length];
        c.Sum.CopyTo(sum, 0);
        c.Sum = sum;
        c.OwnsSum = true;
    }

    /// <summary>Average similarity of every face of one cluster with every face of the other.</summary>
    float Linkage(Cluster a, Cluster b) => TensorPrimitives.Dot(a.Sum, b.Sum) / ((float)a.Count * b.Count);

    /// <summary>Cannot-link: a shared photo, two different user-given people, or a user's "not this person".</summary>
    static bool MayMerge(Cluster a, Cluster b)
    {
        if (a.Person is { } pa && b.Person is { } pb && pa != pb) return false;
        if (a.Person is { } p1 && b.Rejected?.Contains(p1) == true) return false;
        if (b.Person is { } p2 && a.Rejected?.Contains(p2) == true) return false;
        var (small, large) = a.Photos.Count <= b.Photos.Count ? (a.Photos, b.Photos) : (b.Photos, a.Photos);
        foreach (var photo in small)
            if (large.Contains(photo)) return false;
        return true;
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
        foreach (var e in edges)
        {
            int a = _clusterOf[e.A], b = _clusterOf[e.B];
            if (a == b) continue;
            _clusters[a].Neighbours.Add(b);
            _clusters[b].Neighbours.Add(a);
        }
        var queue = new PriorityQueue<(int A, int B, int VersionA, int VersionB), float>();
        for (int a = 0; a < _clusters.Count; a++)
            foreach (var b in _clusters[a].Neighbours)
                if (a < b) Offer(queue, a, b);

        int merges = 0;
        while (queue.TryDequeue(out var pair, out _))
        {
            if ((++merges & 0xFFF) == 0) cancel.ThrowIfCancellationRequested();
            var (ca, cb) = (_clusters[pair.A], _clusters[pair.B]);
            if (!ca.Alive || !cb.Alive || ca.Version != pair.VersionA || cb.Version != pair.VersionB) continue; // stale
            if (!MayMerge(ca, cb)) continue;
            int into = Merge(pair.A, pair.B);
            foreach (var n in _clusters[into].Neighbours)
                Offer(queue, into, n);
        }
        return Labels();
    }

    float _threshold, _penalty;

    float Required(Cluster a, Cluster b) => _threshold + _penalty / MathF.Sqrt((float)a.Count * b.Count);

    void Offer(PriorityQueue<(int, int, int, int), float> queue, int a, int b)
    {
        float linkage = Linkage(_clusters[a], _clusters[b]);
        if (linkage >= Required(_clusters[a], _clusters[b]))
            queue.Enqueue((a, b, _clusters[a].Version, _clusters[b].Version), -linkage); // max first
    }

    /// <summary>The smaller cluster joins the larger; the joined one is retired.</summary>
    int Merge(int a, int b)
    {
        if (_clusters[a].Count < _clusters[b].Count) (a, b) = (b, a);
        Cluster into = _clusters[a], from = _clusters[b];
        OwnSum(into);
        TensorPrimitives.Add(into.Sum, from.Sum, into.Sum);
        into.Count += from.Count;
        into.Photos.UnionWith(from.Photos);
        into.Person ??= from.Person;
        if (from.Rejected is not null) (into.Rejected ??= []).UnionWith(from.Rejected);
        into.Members.AddRange(from.Members);
        foreach (var face in from.Members) _clusterOf[face] = a;
        foreach (var n in from.Neighbours)
        {
            if (n == a) continue;
            into.Neighbours.Add(n);
            _clusters[n].Neighbours.Remove(b);
            _clusters[n].Neighbours.Add(a);
        }
        into.Neighbours.Remove(b);
        into.Version++;
        from.Alive = false;
        from.Neighbours = [];
        from.Members = [];
        from.Photos = [];
        if (from.OwnsSum) _spareSums.Push(from.Sum);
        from.Sum = [];
        from.OwnsSum = false;
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
