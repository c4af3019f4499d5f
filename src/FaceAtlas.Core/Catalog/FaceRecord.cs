using FaceAtlas.Vision;

namespace FaceAtlas.Core.Catalog;

/// <summary>A photo as faces refer to it: id, absolute path, upright full-size dimensions, when it was taken.</summary>
public readonly record struct PhotoRef(long Id, string Path, int Width, int Height, CaptureDate? Taken = null);

/// <summary>A face as stored: box in pixels of the upright photo, detector score, alignment points, embedding.</summary>
public sealed record FaceRecord(long Id, PhotoRef Photo, FaceBox Box, float Score, FivePoints Points, long? PersonId, float[]? Embedding)
{
    /// <summary>Null for a face indexed before attributes were estimated.</summary>
    public FaceAttributes? Attributes { get; init; }
}

/// <summary>What the search index holds of a face: its embedding and attributes.</summary>
public sealed record FaceVector(long Id, float[] Embedding, FaceAttributes? Attributes);
