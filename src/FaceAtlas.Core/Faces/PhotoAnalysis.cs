namespace FaceAtlas.Core.Faces;

/// <summary>
/// A face found in a photo: box and points in pixels of the upright full-size photo, its embedding and attributes
/// (null only where a face is made up without them, as tests and benchmarks do).
/// </summary>
public sealed record FaceObservation(FaceBox Box, float Score, FivePoints Points, float[] Embedding, FaceAttributes? Attributes = null)
{
    /// <summary>For a face in a video, the moment of the frame it was seen in (milliseconds from the start); null in a photo.</summary>
    public long? FrameMs { get; init; }
}

/// <summary>What a photo (or a video) holds: its upright full-size dimensions, its format, and its faces.</summary>
public sealed record PhotoAnalysis(int Width, int Height, string Format, IReadOnlyList<FaceObservation> Faces)
{
    /// <summary>A video's length in milliseconds; null for a photo.</summary>
    public long? DurationMs { get; init; }
}
