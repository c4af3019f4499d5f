namespace FaceAtlas.Core.People;

/// <summary>
/// A face as clustering sees it: its photo (two faces of one photo are two people), the person a user put it in
/// (<see cref="FixedPerson"/>: never changed by clustering), and the people a user said it is not.
/// </summary>
public sealed record ClusterFace(long FaceId, long PhotoId, float[] Embedding, long? FixedPerson = null,
    IReadOnlyCollection<long>? RejectedPeople = null);
