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
