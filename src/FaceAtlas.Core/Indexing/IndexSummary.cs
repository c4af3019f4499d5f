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

    /// <summary>Folders left out because they are FaceAtlas exports (see <see cref="PhotoScanner"/>).</summary>
    public IReadOnlyList<string> ExportFolders { get; init; } = [];
}
