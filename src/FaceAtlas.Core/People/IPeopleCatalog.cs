namespace FaceAtlas.Core.People;

/// <summary>
/// A face with what clustering needs to know of it. <see cref="Clustered"/>: an earlier clustering already looked for
/// this face's neighbours (and its embedding has not changed since). <see cref="Taken"/>: the day its photo was
/// taken, when the photo records it (never a file's date), for the birth-date rule.
/// </summary>
public sealed record StoredFace(long FaceId, long PhotoId, float[] Embedding, long? PersonId, FaceAssignment Assignment,
    IReadOnlyCollection<long> RejectedPeople, bool Clustered = false, DateOnly? Taken = null);

/// <summary>
/// A face in a person, with what a person's average face and photos are made of, its detection's confidence and its
/// quality (null: indexed before qualities were kept).
/// </summary>
public readonly record struct PersonFace(long Face, long Person, long Photo, float[] Embedding, float Score, float? Quality, DateOnly? Taken = null)
{
    /// <summary>The face without its embedding.</summary>
    public PersonFaceSeen Seen => new(Face, Person, Photo, Score, Quality, Taken);
}

/// <summary>A face in a person without its embedding: what decides whether it makes their average, and where and when it was seen.</summary>
public readonly record struct PersonFaceSeen(long Face, long Person, long Photo, float Score, float? Quality, DateOnly? Taken);

/// <summary>
/// A person as one cluster, for clustering new faces beside them: the sum of their faces' embeddings and how many
/// there are (the average linkage needs no more), and those of the photos asked about that they appear in (two faces
/// of one photo are two people).
/// </summary>
public sealed record PersonAsCluster(long Person, float[] Sum, int Faces, IReadOnlyCollection<long> PhotosAmong);

/// <summary>A group of faces that is one person; <see cref="PersonId"/> null: a new person.</summary>
public sealed record PersonCluster(long? PersonId, IReadOnlyList<long> FaceIds);

/// <summary>
/// People as the core sees them in the catalog: what they are, and the rows a change writes (<see cref="Change{T}"/>,
/// one transaction each). The rules for people are <see cref="PeopleService"/>'s.
/// </summary>
public interface IPeopleCatalog
{
    /// <summary>
    /// The right to cluster, one clustering at a time per catalog, held until disposed; waits while another has it,
    /// after calling <paramref name="waiting"/> once.
    /// </summary>
    IDisposable ClusteringTurn(Action waiting);

    /// <summary>Every face with an embedding that is not ignored (nor said not to be a face).</summary>
    IReadOnlyList<StoredFace> FacesForClustering();

    /// <summary>Those of these faces <see cref="FacesForClustering()"/> holds, read as it would.</summary>
    IReadOnlyList<StoredFace> FacesForClustering(IReadOnlyCollection<long> faces);

    /// <summary>
    /// The faces no clustering has looked at yet, in the order they came: in no person, not ignored (nor said not to be
    /// faces), with an embedding; at most <paramref name="limit"/> + 1, so that a caller learns there are more than it
    /// wants without reading them all. Read through an index, not by reading every face.
    /// </summary>
    IReadOnlyList<StoredFace> FacesNotClustered(int limit);

    /// <summary>
    /// Each of these people who has faces clustering may use, as one cluster; <paramref name="photos"/>: the photos
    /// whose presence in each person the answer says (<see cref="PersonAsCluster.PhotosAmong"/>). A person's sum is
    /// the one the catalog keeps while it is current (<see cref="IPeopleRows.CarryingSums{T}"/>), else read from their
    /// faces and kept: summed in double precision either way, so a kept sum and one read again are the same.
    /// </summary>
    IReadOnlyList<PersonAsCluster> PeopleAsClusters(IReadOnlyCollection<long> people, IReadOnlyCollection<long> photos);

    /// <summary>
    /// <see cref="PeopleAsClusters"/> of every person at once (no photos asked about): the kept sums that are current,
    /// and the rest read from their faces in one pass and kept. Once it has run, people are read whole again only after
    /// a change that could not carry their sum; at a million faces, the first run reads every face in a person.
    /// </summary>
    IReadOnlyList<PersonAsCluster> EveryPersonAsCluster();

    /// <summary>
    /// Every face in a person that has an embedding and is not ignored (nor said not to be a face), read as it is
    /// enumerated (never all held at once: at a million faces that would be gigabytes).
    /// </summary>
    IEnumerable<PersonFace> FacesInPeople();

    /// <summary>
    /// Every face in a person that is not ignored (nor said not to be a face), without its embedding (a small row each,
    /// where the embedding is 2 KB), read as it is enumerated. A face with no embedding yet is among them.
    /// </summary>
    IEnumerable<PersonFaceSeen> FacesSeenInPeople();

    /// <summary>
    /// A count that goes up with every change to what people's averages and the merge suggestions are made of: which
    /// faces make each person and their embeddings, who is hidden, birth days, the days of the photos people are in, and
    /// the pairs said to be two people. Kept by the catalog itself (by any path of writing: a command, an index, a
    /// server, a worker), so that what was made at one count is current while the count holds: within one catalog,
    /// as a catalog restored from a backup may count the same again.
    /// </summary>
    long PeopleRevision();

    /// <summary>
    /// The newest faces in no person, not ignored (nor said not to be faces), with their embeddings: at most
    /// <paramref name="newest"/>.
    /// </summary>
    IReadOnlyList<StoredFace> FacesInNoPerson(int newest);

    /// <summary>
    /// Runs <paramref name="change"/> in one transaction: every row it writes is kept, or, when it throws, none.
    /// See <see cref="IPeopleRows"/> for what a change may do.
    /// </summary>
    T Change<T>(Func<IPeopleRows, T> change);

    IReadOnlyList<PersonSummary> People(bool includeHidden);

    /// <summary>
    /// A page of <see cref="People"/>'s list (the most faces first): at most <paramref name="limit"/> from
    /// <paramref name="offset"/>, with how many the list holds; <paramref name="namedOnly"/>: only people with a name.
    /// Read from the kept counts and an index, never by counting faces.
    /// </summary>
    PersonList PeoplePage(bool includeHidden, bool namedOnly, int offset, int limit);

    /// <summary>Every person with a name (hidden ones when <paramref name="includeHidden"/>), in no order: what a name filter looks through.</summary>
    IReadOnlyList<NamedPerson> NamedPeople(bool includeHidden);

    /// <summary>These people, those there are, in no order.</summary>
    IReadOnlyList<PersonSummary> PeopleWithIds(IReadOnlyCollection<long> ids);
    PersonSummary? Person(long id);

    /// <summary>How many people there are, hidden ones included: without counting their faces.</summary>
    int PeopleCount();

    /// <summary>The names of these people (null: unnamed), for answers that name the people of a few faces.</summary>
    IReadOnlyDictionary<long, string?> Names(IReadOnlyCollection<long> people);

    /// <summary>The birth days of those of these people whose birth is known.</summary>
    IReadOnlyDictionary<long, DateOnly> Births(IReadOnlyCollection<long> people);

    /// <summary>
    /// The birth day of every person whose birth is known: a few rows among tens of thousands of people, read by an index.
    /// </summary>
    IReadOnlyDictionary<long, DateOnly> Births();

    /// <summary>The day the photo of each of these faces was taken, for those whose photo records it (never a file's date).</summary>
    IReadOnlyDictionary<long, DateOnly> FaceDays(IReadOnlyCollection<long> faces);
    IReadOnlyList<long> FacesOf(long person);

    /// <summary>Which of these faces exist (those said not to be faces too, so that the mark can be undone), with their person.</summary>
    IReadOnlyDictionary<long, long?> FacePeople(IReadOnlyCollection<long> faceIds);

    /// <summary>Per person, the paths of the photos their faces are in.</summary>
    IReadOnlyDictionary<long, IReadOnlyList<string>> PhotosByPerson();

    /// <summary>Paths of usable photos in which no face belongs to a person.</summary>
    IReadOnlyList<string> PhotosWithoutPeople();

    /// <summary>
    /// Removes a person with their faces and embeddings for good, leaving no copy in the catalog's files, and
    /// remembers where the faces were so that analysing a photo again does not bring them back. Returns the faces.
    /// </summary>
    IReadOnlyList<long> Forget(long person);

    /// <summary>The pairs of people marked distinct, smaller id first.</summary>
    IReadOnlySet<(long, long)> DistinctPeople();

    /// <summary>The ignored faces, by id (not those said not to be faces).</summary>
    IReadOnlyList<long> IgnoredFaces();

    /// <summary>The newest changes first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<RecordedChange> History(int limit);
}
