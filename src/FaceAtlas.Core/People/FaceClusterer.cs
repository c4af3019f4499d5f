using FaceAtlas.Vectors;
namespace FaceAtlas.Core.People;

/// <summary>What clustering decided: groups that are people (existing or new), and faces left unassigned.</summary>
public sealed record ClusteringPlan(IReadOnlyList<PersonCluster> Clusters, IReadOnlyList<long> Unassigned);

/// <summary>
/// Groups faces into people, as named steps: fix what may not move, find each free face's neighbours, merge by
/// average linkage, then name the groups (existing person, new person, or too small to be one yet).
/// </summary>
public sealed class FaceClusterer(ClusteringOptions? options = null)
{
    readonly ClusteringOptions _options = options ?? ClusteringOptions.Default;

    /// <summary>
    /// <paramref name="full"/>: everything but the user's decisions is clustered anew. Otherwise existing people are
    /// kept as they are, and only faces without a person are grouped, into existing people or new ones.
    /// </summary>
    public ClusteringPlan Plan(IReadOnlyList<StoredFace> faces, bool full, CancellationToken cancel = default)
    {
        var input = FixWhatMayNotMove(faces, full);
        // Incremental: only faces no clustering has looked at look for neighbours; an earlier run already paired the
        // rest with each other, and the new faces' neighbours include them.
        var queries = Enumerable.Range(0, input.Count).Where(i => input[i].FixedPerson is null && (full || !faces[i].Clustered)).ToList();
        if (queries.Count == 0)
            return new ClusteringPlan(KeepPeopleAsTheyAre(input), full ? [] : LoneFaces(input));
        var edges = ApproximateNeighbourGraph.Build(input.Select(f => f.Embedding).ToList(), full ? null : queries,
            _options.Neighbours, _options.EdgeFloor, cancel: cancel);
        var labels = new AverageLinkage(input).Run(edges, _options.Threshold, _options.SmallClusterPenalty, cancel);
        return NameGroups(faces, input, labels, full);
    }

    /// <summary>
    /// The incremental plan made from the neighbourhood alone: the same decisions as <see cref="Plan"/> with full off,
    /// without reading every face. There, only new faces look for neighbours, and only clusters an edge reaches can
    /// merge; so what matters is the new faces (<paramref name="fresh"/>), what they found
    /// (<paramref name="nearest"/>, per new face, most alike first), those found faces clustering may use
    /// (<paramref name="around"/>), and the people among them whole (<paramref name="people"/>: a person's sum and
    /// count are their linkage, and a shared photo can only be one a free face is in). The plan names only the faces
    /// in no person (new ones, and lone ones found), and where they go.
    /// </summary>
    public ClusteringPlan PlanAround(IReadOnlyList<StoredFace> fresh, IReadOnlyList<IReadOnlyList<NearFace>> nearest,
        IReadOnlyList<StoredFace> around, IReadOnlyList<PersonAsCluster> people, CancellationToken cancel = default)
    {
        // A lone face found that no clustering has seen either came after the new faces were read: it looks for its
        // own neighbours next time, and is no neighbour now (its own run would have it search, and be marked).
        var free = fresh.Concat(around.Where(f => f.PersonId is null && f.Clustered)).DistinctBy(f => f.FaceId).ToList();
        var nodeOfFree = free.Select((f, i) => (f.FaceId, i)).ToDictionary(p => p.FaceId, p => p.i);
        var nodeOfPerson = people.Select((p, j) => (p.Person, j)).ToDictionary(p => p.Person, p => free.Count + p.j);
        var personOf = around.Where(f => f.PersonId is not null).ToDictionary(f => f.FaceId, f => f.PersonId!.Value);
        var edges = new List<FaceEdge>();
        for (int q = 0; q < fresh.Count; q++)
        {
            int from = nodeOfFree[fresh[q].FaceId], kept = 0;
            foreach (var near in nearest[q])
            {
                if (kept == _options.Neighbours || near.Similarity < _options.EdgeFloor) break;
                if (near.Face == fresh[q].FaceId) continue;
                int to = nodeOfFree.TryGetValue(near.Face, out var lone) ? lone
                    : personOf.TryGetValue(near.Face, out var person) && nodeOfPerson.TryGetValue(person, out var node) ? node
                    : -1; // ignored, not a face, or gone since the index saw it: not a neighbour here either
                if (to < 0) continue;
                edges.Add(new FaceEdge(from, to, near.Similarity));
                kept++;
            }
        }
        var input = free.Select(f => new ClusterFace(f.FaceId, f.PhotoId, f.Embedding, null, f.RejectedPeople)).ToList();
        var labels = new AverageLinkage(input, people).Run(edges, _options.Threshold, _options.SmallClusterPenalty, cancel);
        var clusters = new List<PersonCluster>();
        var unassigned = new List<long>();
        foreach (var group in Enumerable.Range(0, labels.Length).GroupBy(n => labels[n]))
        {
            var faces = group.Where(n => n < free.Count).Select(n => free[n].FaceId).ToList();
            int seed = group.FirstOrDefault(n => n >= free.Count, -1);
            long? person = seed >= 0 ? people[seed - free.Count].Person : null;
            if (faces.Count == 0) continue;
            if (person is null && faces.Count < _options.MinFaces) unassigned.AddRange(faces);
            else clusters.Add(new PersonCluster(person, faces));
        }
        return new ClusteringPlan(clusters, unassigned);
    }

    /// <summary>A user's placement never moves; in an incremental run, neither does the machine's.</summary>
    static List<ClusterFace> FixWhatMayNotMove(IReadOnlyList<StoredFace> faces, bool full) =>
        faces.Select(f => new ClusterFace(f.FaceId, f.PhotoId, f.Embedding,
            f.Assignment == FaceAssignment.User || (!full && f.Assignment == FaceAssignment.Machine) ? f.PersonId : null,
            f.RejectedPeople)).ToList();

    static List<long> LoneFaces(List<ClusterFace> input) => input.Where(f => f.FixedPerson is null).Select(f => f.FaceId).ToList();

    static List<PersonCluster> KeepPeopleAsTheyAre(List<ClusterFace> input) =>
        input.Where(f => f.FixedPerson is not null).GroupBy(f => f.FixedPerson)
            .Select(g => new PersonCluster(g.Key, g.Select(f => f.FaceId).ToList())).ToList();

    /// <summary>
    /// A group holding a fixed face is that face's person. Another group of at least MinFaces faces is a person too,
    /// and keeps the id of the (machine) person most of its faces had before, so ids survive a full re-run.
    /// </summary>
    ClusteringPlan NameGroups(IReadOnlyList<StoredFace> faces, List<ClusterFace> input, int[] labels, bool full)
    {
        var clusters = new List<PersonCluster>();
        var unassigned = new List<long>();
        var taken = new HashSet<long>(input.Where(f => f.FixedPerson is not null).Select(f => f.FixedPerson!.Value));
        var groups = Enumerable.Range(0, input.Count).GroupBy(i => labels[i]).OrderByDescending(g => g.Count()).ToList();
        foreach (var group in groups)
        {
            var members = group.ToList();
            var ids = members.Select(i => input[i].FaceId).ToList();
            long? person = members.Select(i => input[i].FixedPerson).FirstOrDefault(p => p is not null);
            if (person is null && members.Count < _options.MinFaces)
            {
                unassigned.AddRange(ids);
                continue;
            }
            if (person is null && full)
            {
                person = members.Select(i => faces[i].PersonId).Where(p => p is not null && !taken.Contains(p.Value))
                    .GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
                if (person is { } reused) taken.Add(reused);
            }
            clusters.Add(new PersonCluster(person, ids));
        }
        return new ClusteringPlan(clusters, unassigned);
    }

    /// <summary>Splits one person's faces with a stricter threshold; the groups, largest first.</summary>
    public List<List<long>> Split(IReadOnlyList<StoredFace> faces, CancellationToken cancel = default)
    {
        var input = faces.Select(f => new ClusterFace(f.FaceId, f.PhotoId, f.Embedding)).ToList();
        var edges = NeighbourGraph.Exact(input.Select(f => f.Embedding).ToList(), _options.Neighbours, _options.EdgeFloor, cancel);
        var labels = new AverageLinkage(input).Run(edges, _options.Threshold + _options.SplitTightening, _options.SmallClusterPenalty, cancel);
        return Enumerable.Range(0, input.Count).GroupBy(i => labels[i]).OrderByDescending(g => g.Count())
            .Select(g => g.Select(i => input[i].FaceId).ToList()).ToList();
    }
}
