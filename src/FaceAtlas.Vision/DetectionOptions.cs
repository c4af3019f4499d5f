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

    /// <summary>
    /// Size of the scouting pass over a large fine level, relative to the level: 0.675 shows the level's smallest
    /// faces (<see cref="DetectorMinFace"/>, 16 px) at 10.8 px, just above the detector's smallest prior (10 px). At
    /// 0.625 (10 px) the weakest proposal for an annotated face scored 0.12, too near <see cref="ScoutMinScore"/>; at
    /// 0.675, 0.22 (`bench -- scout`). 0 looks at every pixel of every level.
    /// </summary>
    public float ScoutRatio { get; init; } = 0.675f;

    /// <summary>
    /// Face probability a scouting proposal needs: low, since a proposal only says where to look closely, but not
    /// lower: under 0.1 the background floods in (at 0.07, 45 of 57 12 MP photos had so many proposals that the
    /// whole level was looked at).
    /// </summary>
    public float ScoutMinScore { get; init; } = 0.1f;

    /// <summary>Levels of at least this many pixels are scouted; smaller ones are cheap enough to look at whole.</summary>
    public long ScoutFromPixels { get; init; } = 600_000;

    /// <summary>
    /// Share of the level the proposals' windows may cover (overlaps counted twice) before looking at the whole level
    /// is cheaper: a window's pixels cost what the level's do, plus a little for each pass.
    /// </summary>
    public float ScoutMaxCover { get; init; } = 0.8f;

    public static DetectionOptions Default { get; } = new();
}
