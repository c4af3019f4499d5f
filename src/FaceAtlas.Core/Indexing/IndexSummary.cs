namespace FaceAtlas.Core.Indexing;

/// <summary>What an index run did.</summary>
public sealed record IndexSummary(
    int PhotosSeen,
    int PhotosAnalysed,
    int PhotosUnchanged,
    int FacesFound,
    int PhotosRemoved,
    IReadOnlyList<PathProblem> Failed,
    TimeSpan Elapsed)
{
    public bool HasFailures => Failed.Count > 0;

    /// <summary>
    /// What was left out on purpose: caches, the files of FaceAtlas's exports (see <see cref="PhotoScanner"/>), and new
    /// paths to files the catalog holds under another path.
    /// </summary>
    public IReadOnlyList<LeftOutFolder> LeftOut { get; init; } = [];

    /// <summary>Photos this run found to do that other workers sharing the catalog analysed instead.</summary>
    public int PhotosByOthers { get; init; }
}
