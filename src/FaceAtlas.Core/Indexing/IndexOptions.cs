using FaceAtlas.Core.Faces;


namespace FaceAtlas.Core.Indexing;

public sealed record IndexOptions
{
    /// <summary>Photos analysed side by side; each uses one core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Photos written per transaction: larger batches write faster, smaller ones lose less work to a crash.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Longest a finished photo waits before its batch is written.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Files larger than this are not read (no photo is this large; a sparse or bogus file may be).</summary>
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// A photo (or its sidecar) written to within this long is left for a later run: it may still be being copied.
    /// Zero for a run someone started on a folder at rest; a watch sets it.
    /// </summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// What reads videos (ffmpeg); null where it is missing: videos are then left as they are, counted and said
    /// (<see cref="IndexSummary.VideosSkipped"/>), and those indexed before are kept.
    /// </summary>
    public IVideoReader? Videos { get; init; }
}
