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

    /// <summary>Photos found under a new path with the same content: moved or renamed, their faces and people kept.</summary>
    public int PhotosMoved { get; init; }

    /// <summary>Photos written to in the last moments (<see cref="IndexOptions.SettleTime"/>), left for a later run.</summary>
    public int PhotosWaiting { get; init; }

    /// <summary>Video files left unread because this machine has no ffmpeg (<see cref="IndexOptions.Videos"/>).</summary>
    public int VideosSkipped { get; init; }

    /// <summary>Videos found to be the moving part of a Live Photo: one item with their still, not analysed (<see cref="LivePhotos"/>).</summary>
    public int LivePhotoVideos { get; init; }

    /// <summary>The photos read with named face regions (or regions that could not be used), for <see cref="Tags.FaceTagging"/>.</summary>
    public IReadOnlyList<Tags.TaggedPhoto> Tagged { get; init; } = [];
}
