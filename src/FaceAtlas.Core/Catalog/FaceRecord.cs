using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Catalog;

/// <summary>
/// A photo as faces refer to it: id, absolute path, upright full-size dimensions, when it was taken; for a video, its
/// length (null for a photo) and its frames' size.
/// </summary>
public readonly record struct PhotoRef(long Id, string Path, int Width, int Height, CaptureDate? Taken = null, long? DurationMs = null)
{
    public bool IsVideo => DurationMs is not null;
}

/// <summary>A face as stored: box in pixels of the upright photo, detector score, alignment points, embedding.</summary>
public sealed record FaceRecord(long Id, PhotoRef Photo, FaceBox Box, float Score, FivePoints Points, long? PersonId, float[]? Embedding)
{
    /// <summary>Null for a face indexed before attributes were estimated.</summary>
    public FaceAttributes? Attributes { get; init; }

    /// <summary>For a face in a video, the moment of its frame (milliseconds from the start); null in a photo.</summary>
    public long? FrameMs { get; init; }
}

/// <summary>What the search index holds of a face: its embedding and attributes.</summary>
public sealed record FaceVector(long Id, float[] Embedding, FaceAttributes? Attributes);
