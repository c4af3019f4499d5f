namespace FaceAtlas.Vision;

/// <summary>How hard to look for faces. The defaults were chosen by measurement (docs/QUALITY.md).</summary>
public sealed record DetectionOptions
{
    /// <summary>Face probability a detection needs.</summary>
    public float MinScore { get; init; } = 0.65f;

    /// <summary>Overlap above which two detections are the same face.</summary>
    public float NmsIoU { get; init; } = 0.4f;

    /// <summary>Smallest face, in pixels of the full-size photo, that must be found whatever the photo's size.</summary>
    public float MinFaceSize { get; init; } = 40;

    /// <summary>Smallest face, in pixels of the detector's 320x240 input, that it finds reliably.</summary>
    public float DetectorMinFace { get; init; } = 16;

    /// <summary>
    /// Scale step between pyramid levels: each level finds faces this many times smaller than the last. 5, not 3: the
    /// detector sees faces of 16 to 92 px of its input as well, and a 12 MP photo then needs two passes, not three
    /// (docs/BENCHMARKS.md, `bench -- index --ratios 3,5`).
    /// </summary>
    public float LevelRatio { get; init; } = 5;

    /// <summary>
    /// Longest side of one detector pass on a fine level. Larger passes waste no pixels on overlap; the cap keeps
    /// the network's activations (about 1 KB a pixel) bounded on huge photos.
    /// </summary>
    public int MaxWindowSide { get; init; } = 2048;

    public static DetectionOptions Default { get; } = new();
}
