namespace FaceAtlas.Core.People;

/// <summary>How faces are grouped into people. Defaults chosen on LFW (docs/QUALITY.md, `bench -- cluster-lfw`).</summary>
public sealed record ClusteringOptions
{
    /// <summary>Average similarity two large clusters need to be one person.</summary>
    public float Threshold { get; init; } = 0.38f;

    /// <summary>Extra similarity small clusters need: Threshold + penalty / sqrt(n_a · n_b). Two lone faces need 0.52.</summary>
    public float SmallClusterPenalty { get; init; } = 0.14f;

    /// <summary>Neighbours kept per face in the graph that says which clusters may merge.</summary>
    public int Neighbours { get; init; } = 30;

    /// <summary>Faces less similar than this are never neighbours.</summary>
    public float EdgeFloor { get; init; } = 0.2f;

    /// <summary>Faces a group needs before it becomes a person; smaller groups stay unassigned until more arrive.</summary>
    public int MinFaces { get; init; } = 2;

    /// <summary>How much stricter <c>people split</c> is than clustering.</summary>
    public float SplitTightening { get; init; } = 0.12f;

    /// <summary>
    /// New faces may be at most this share of all faces for an incremental run to read only their neighbourhood (see
    /// <see cref="PeopleService.Cluster"/>). Each new face costs a search of the index, about a millisecond; past a
    /// fiftieth the one pass over every face costs less.
    /// </summary>
    public double NeighbourhoodShare { get; init; } = 0.02;
    public static ClusteringOptions Default { get; } = new();
}
