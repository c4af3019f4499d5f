using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Catalog;

/// <summary>What indexing one photo file produced, ready to be written in one transaction with others.</summary>
public abstract record PhotoOutcome(PhotoFile File)
{
    /// <summary>When the photo was taken, where it was read (a failed photo has none).</summary>
    public CaptureDate? Taken { get; init; }

    /// <summary>The named face regions the photo's XMP and sidecars hold (read with the photo; none for a failed one).</summary>
    public Tags.TagReading Tags { get; init; } = FaceAtlas.Core.Tags.TagReading.None;

    /// <summary>The photo was analysed: its faces replace whatever the catalog had for this path.</summary>
    public sealed record Analysed(PhotoFile File, byte[] ContentHash, PhotoAnalysis Analysis) : PhotoOutcome(File);

    /// <summary>
    /// The file's date or size changed but its content did not: only the file facts are updated. With
    /// <see cref="MovedFrom"/>, the photo was found under a new path (moved or renamed): the path is updated too.
    /// </summary>
    public sealed record Unchanged(PhotoFile File, long PhotoId) : PhotoOutcome(File)
    {
        public string? MovedFrom { get; init; }
    }

    /// <summary>The file could not be used; remembered so an unchanged bad file is not retried on every run.</summary>
    public sealed record Failed(PhotoFile File, byte[]? ContentHash, string Reason) : PhotoOutcome(File);
}
