namespace FaceAtlas.Core.People;

/// <summary>
/// A face with what clustering needs to know of it. <see cref="Clustered"/>: an earlier clustering already looked for
/// this face's neighbours (and its embedding has not changed since).
/// </summary>
public sealed record StoredFace(long FaceId, long PhotoId, float[] Embedding, long? PersonId, FaceAssignment Assignment,
    IReadOnlyCollection<long> RejectedPeople, bool Clustered = false);

/// <summary>A group of faces that is one person; <see cref="PersonId"/> null: a new person.</summary>
public sealed record PersonCluster(long? PersonId, IReadOnlyList<long> FaceIds);

/// <summary>People as the core sees them in the catalog. Every write is one transaction.</summary>
public interface IPeopleCatalog
{
    /// <summary>
    /// The right to cluster, one clustering at a time per catalog, held until disposed; waits while another has it,
    /// after calling <paramref name="waiting"/> once.
    /// </summary>
    IDisposable ClusteringTurn(Action waiting);

    /// <summary>Every face with an embedding that is not ignored.</summary>
    IReadOnlyList<StoredFace> FacesForClustering();

    /// <summary>
    /// Writes a clustering: machine assignments for the clusters' faces (new people created where needed), none for
    /// <paramref name="unassigned"/>; never changes a face a user placed; removes machine people left without faces;
    /// marks every face named as clustered. Returns the person id of each cluster, in order.
    /// </summary>
    IReadOnlyList<long> ApplyClustering(IReadOnlyList<PersonCluster> clusters, IReadOnlyCollection<long> unassigned);

    IReadOnlyList<PersonSummary> People(bool includeHidden);
    PersonSummary? Person(long id);
    IReadOnlyList<long> FacesOf(long person);

    /// <summary>Which of these faces exist, with their person.</summary>
    IReadOnlyDictionary<long, long?> FacePeople(IReadOnlyCollection<long> faceIds);

    /// <summary>Per person, the paths of the photos their faces are in.</summary>
    IReadOnlyDictionary<long, IReadOnlyList<string>> PhotosByPerson();

    /// <summary>Paths of usable photos in which no face belongs to a person.</summary>
    IReadOnlyList<string> PhotosWithoutPeople();

    /// <summary>Names a person, and confirms its faces as the user's.</summary>
    void Rename(long person, string name);
    void SetHidden(long person, bool hidden);

    /// <summary>
    /// Removes a person with their faces and embeddings for good, leaving no copy in the catalog's files, and
    /// remembers where the faces were so that analysing a photo again does not bring them back. Returns the faces.
    /// </summary>
    IReadOnlyList<long> Forget(long person);

    /// <summary>Remembers that two people are not one, so they are not suggested again.</summary>
    void MarkDistinct(long a, long b);

    /// <summary>The pairs so marked, smaller id first.</summary>
    IReadOnlySet<(long, long)> DistinctPeople();

    /// <summary>Moves every face of <paramref name="from"/> to <paramref name="into"/> (confirmed) and deletes them.</summary>
    void Merge(long into, IReadOnlyList<long> from);

    /// <summary>Puts faces in a person (null: a new one) as the user's decision; returns the person's id.</summary>
    long MoveFaces(IReadOnlyList<long> faces, long? person);

    /// <summary>Takes faces out of a person and remembers that they are not that person.</summary>
    void RejectFaces(IReadOnlyList<long> faces, long person);

    /// <summary>
    /// Ignores faces (a stranger in the background): out of any person, left out of clustering, review and
    /// suggestions, remembered; or, with <paramref name="ignored"/> false, undoes that: the faces are clustered anew.
    /// </summary>
    void SetIgnored(IReadOnlyList<long> faces, bool ignored);

    /// <summary>Makes one of the person's faces the one that stands for them in lists.</summary>
    void SetCover(long person, long face);

    /// <summary>The ignored faces, by id.</summary>
    IReadOnlyList<long> IgnoredFaces();
}
