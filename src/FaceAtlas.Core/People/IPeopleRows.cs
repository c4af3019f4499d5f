namespace FaceAtlas.Core.People;

/// <summary>A face as the cover rule weighs it: its detection's confidence and its size.</summary>
public readonly record struct CoverCandidate(long Person, long Face, float Score, float Width, float Height);

/// <summary>A person with no face left, and whether they carry a name.</summary>
public readonly record struct PersonWithoutFaces(long Person, bool Named);

/// <summary>
/// The rows of people and their faces, as one transaction that <see cref="IPeopleCatalog.Change{T}"/> opens sees
/// them. Row operations only: what a merge names, which face covers a person, what a rejection resets are
/// <see cref="PeopleService"/>'s rules, written once for every backend. A server catalog may run a change again
/// after a transient failure (a lost connection, a lost race), so a change does row work and nothing else.
/// </summary>
public interface IPeopleRows
{
    /// <summary>A new unnamed, visible person; returns their id.</summary>
    long NewPerson();

    void SetName(long person, string name);

    /// <summary>The day the person was born; null: not known.</summary>
    void SetBirth(long person, DateOnly? birth);
    void SetHidden(long person, bool hidden);

    /// <summary>The face that stands for the person in lists; null for none.</summary>
    void SetCover(long person, long? face);

    /// <summary>Deletes people's rows (their faces are elsewhere by now).</summary>
    void DeletePeople(IReadOnlyCollection<long> people);

    /// <summary>
    /// Puts faces in a person (null: in none), placed by <paramref name="by"/>; a face placed by
    /// <paramref name="unlessPlacedBy"/> is left where it is.
    /// </summary>
    void PlaceFaces(IReadOnlyCollection<long> faces, long? person, FaceAssignment by, FaceAssignment? unlessPlacedBy = null);

    /// <summary>Every face of <paramref name="from"/> into <paramref name="into"/>, however many (one statement where the backend can).</summary>
    void MoveAllFaces(long from, long into);

    /// <summary>
    /// Runs <paramref name="move"/>, a change that places only <paramref name="faces"/> (into people, out of them or
    /// between them), and carries the kept sum of each person it touches across it: the sum kept before plus and minus
    /// these faces' embeddings, so that <see cref="IPeopleCatalog.PeopleAsClusters"/> need not read every face of a
    /// large person again after each few new photos. A person whose kept sum was not current before, or whom anything
    /// else changed, is left to be read again.
    /// </summary>
    T CarryingSums<T>(IReadOnlyCollection<long> faces, Func<T> move);

    /// <summary>
    /// Records who placed every face the person holds, writing only the faces it changes: naming a person of 30,000
    /// confirmed faces again rewrites none.
    /// </summary>
    void SetPlacedBy(long person, FaceAssignment by);

    /// <summary>Marks faces as looked at by clustering (their neighbours sought), or as to be looked at again.</summary>
    void SetClustered(IReadOnlyCollection<long> faces, bool clustered);

    /// <summary>Sets the ignored mark of faces (nothing else of them).</summary>
    void SetIgnored(IReadOnlyCollection<long> faces, bool ignored);

    /// <summary>Which of these faces carry the ignored mark.</summary>
    IReadOnlyCollection<long> IgnoredAmong(IReadOnlyCollection<long> faces);

    /// <summary>
    /// Sets the "not a face" mark of detections (nothing else of them). A marked one is out of every list of faces and
    /// of the search; the change is logged as an embedding change, so a kept search index drops it or takes it back.
    /// </summary>
    void SetNotFace(IReadOnlyCollection<long> faces, bool notFace);

    /// <summary>Which of these faces carry the "not a face" mark.</summary>
    IReadOnlyCollection<long> NotFacesAmong(IReadOnlyCollection<long> faces);

    /// <summary>Remembers that these faces are not <paramref name="person"/> (kept once per face and person).</summary>
    void AddRejections(IReadOnlyCollection<long> faces, long person);

    void RemoveRejections(IReadOnlyCollection<long> faces, long person);

    /// <summary>The "not this person" marks on <paramref name="from"/> become marks on <paramref name="into"/> (once per face).</summary>
    void MoveRejections(long from, long into);

    /// <summary>Remembers that two people are not one; <paramref name="smaller"/> is the smaller id.</summary>
    void MarkDistinct(long smaller, long larger);

    /// <summary>The people who hold no face: read from the kept counts, never by looking through the faces.</summary>
    IReadOnlyList<PersonWithoutFaces> PeopleWithoutFaces();

    /// <summary>
    /// People whose cover is not one of their faces: none while they have faces, or a face that left them. The catalog
    /// clears a cover as its face leaves the person (moved, or removed), so these are read by an index, not by looking
    /// at every person's cover.
    /// </summary>
    IReadOnlyList<long> PeopleWithoutTheirOwnCover();

    /// <summary>Every face of these people, as the cover rule weighs them.</summary>
    IReadOnlyList<CoverCandidate> FacesForCover(IReadOnlyCollection<long> people);

    // What an undo needs: the rows as they are, put back as they were, and the history of changes.

    /// <summary>The places of these faces (faces that no longer exist are left out).</summary>
    IReadOnlyList<FaceState> FaceStates(IReadOnlyCollection<long> faces);

    /// <summary>The faces a person holds.</summary>
    IReadOnlyList<long> FacesIn(long person);

    /// <summary>The places of the faces a person holds (one read, however many: a merge of 30,000 faces journals them all).</summary>
    IReadOnlyList<FaceState> FaceStatesIn(long person);

    /// <summary>These people's own rows (people who do not exist are left out).</summary>
    IReadOnlyList<PersonRow> PersonRows(IReadOnlyCollection<long> people);

    /// <summary>Which of these faces are marked "not <paramref name="person"/>".</summary>
    IReadOnlyCollection<long> RejectedAmong(IReadOnlyCollection<long> faces, long person);

    /// <summary>The faces marked "not <paramref name="person"/>".</summary>
    IReadOnlyList<long> RejectionsOf(long person);

    bool AreDistinct(long smaller, long larger);
    void UnmarkDistinct(long smaller, long larger);

    /// <summary>Writes people's rows back as they were: a person deleted since comes back under their own id.</summary>
    void RestorePeople(IReadOnlyCollection<PersonRow> people);

    /// <summary>Puts faces back where they were, with their marks (all but "not a face"); a face removed since is left out.</summary>
    void RestoreFaces(IReadOnlyCollection<FaceState> faces);

    /// <summary>Adds a change to the history (the oldest beyond the kept number go); returns its id.</summary>
    long RecordChange(string kind, string summary, string journal);

    /// <summary>The newest change not yet undone, with its journal; null when there is none.</summary>
    UndoableChange? LatestChange();

    void MarkUndone(long change);

    /// <summary>Every change the history keeps, undone ones too, newest first, with its journal.</summary>
    IReadOnlyList<UndoableChange> KeptChanges();

    /// <summary>Removes these changes from the history.</summary>
    void ForgetChanges(IReadOnlyCollection<long> changes);
}
