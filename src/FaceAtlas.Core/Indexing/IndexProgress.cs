namespace FaceAtlas.Core.Indexing;

/// <summary>A snapshot of a running index, reported about every photo; the caller decides how often to draw it.</summary>
public readonly record struct IndexProgress(int PhotosDone, int PhotosTotal, int FacesFound, int Failed, TimeSpan Elapsed)
{
    /// <summary>A watching index between passes: everything it found is indexed, and it waits for the next change.</summary>
    public bool Watching { get; init; }

    public double PhotosPerSecond => Elapsed.TotalSeconds > 0 ? PhotosDone / Elapsed.TotalSeconds : 0;

    public TimeSpan? Remaining => PhotosDone > 0 && PhotosPerSecond > 0
        ? TimeSpan.FromSeconds((PhotosTotal - PhotosDone) / PhotosPerSecond)
        : null;
}
