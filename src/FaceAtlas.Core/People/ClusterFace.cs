namespace FaceAtlas.Core.People;

/// <summary>
/// A face as clustering sees it: its photo (two faces of one photo are two people), the person it is fixed to
/// (<see cref="FixedPerson"/>: a user's placement, or in an incremental run also an earlier clustering's; never
/// changed), and the people a user said it is not.
/// </summary>
public sealed record ClusterFace(long FaceId, long PhotoId, float[] Embedding, long? FixedPerson = null,
    IReadOnlyCollection<long>? RejectedPeople = null);
