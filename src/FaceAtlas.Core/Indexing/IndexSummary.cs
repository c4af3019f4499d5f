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

    /// <summary>Folders left out on purpose: FaceAtlas's exports and caches (see <see cref="PhotoScanner"/>).</summary>
    public IReadOnlyList<LeftOutFolder> LeftOut { get; init; } = [];
}
