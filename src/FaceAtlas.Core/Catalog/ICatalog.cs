using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Catalog;

/// <summary>The face catalog as the core sees it. Implementations keep every write atomic.</summary>
public interface ICatalog : IDisposable
{
    /// <summary>Where the catalog lives, for messages.</summary>
    string Location { get; }

    /// <summary>A random id given to the catalog when it was made, so files kept beside it can tell it from another.</summary>
    string CatalogId { get; }

    /// <summary>Every photo whose path lies under <paramref name="root"/> (a folder or a file).</summary>
    IReadOnlyList<KnownPhoto> PhotosUnder(string root);

    /// <summary>Every photo whose file has one of these sizes, wherever it lies.</summary>
    IReadOnlyList<KnownPhoto> PhotosOfSizes(IReadOnlySet<long> sizes);

    /// <summary>Writes the outcomes in one transaction: all of them land, or none.</summary>
    void Commit(IReadOnlyList<PhotoOutcome> outcomes);

    /// <summary>Forgets photos whose files are gone, with their faces. Returns how many were removed.</summary>
    int RemovePhotos(IReadOnlyCollection<long> photoIds);

    /// <summary>
    /// Faces in a stable order (by id); embeddings only when asked, since they are most of the bytes. Here and in every
    /// other read of faces (one face, a photo's, a person's, the pages, the vectors, the counts), a detection the user
    /// said is not a face is not there.
    /// </summary>
    IEnumerable<FaceRecord> Faces(bool withEmbeddings);

    CatalogCounts Counts();

    /// <summary>One face, or null if there is none with that id.</summary>
    FaceRecord? Face(long id);

    /// <summary>
    /// The faces among <paramref name="ids"/> that exist, by id, in one read: a page naming a few hundred faces
    /// asks a PostgreSQL server once, not once a face.
    /// </summary>
    IReadOnlyList<FaceRecord> FacesWithIds(IReadOnlyCollection<long> ids);

    /// <summary>One photo, whether or not it has faces; null if there is none with that id or it could not be used.</summary>
    PhotoRef? Photo(long id);

    /// <summary>
    /// Adds a face the user drew (the detector missed it) to a photo, with its embedding, in one transaction; it is
    /// kept when the photo is analysed again. Returns its id.
    /// </summary>
    long AddDrawnFace(long photo, FaceObservation face);

    /// <summary>The faces of one photo, by id (none for a photo without faces or no such photo).</summary>
    IReadOnlyList<FaceRecord> FacesInPhoto(long photo);

    /// <summary>The faces of one person, by id.</summary>
    IReadOnlyList<FaceRecord> FacesOfPerson(long person);

    /// <summary>
    /// A page of the photos <paramref name="query"/> names, newest first by when they were taken; those of unknown
    /// date (dated by their file alone, newest file first, then those with no date) after every dated one; the same
    /// date, the newer photo id first. Each photo with the faces of the people named in it (none named: all its faces).
    /// </summary>
    PhotoPage Photos(PhotoQuery query, PageRequest page);

    /// <summary>
    /// How far the log of embedding changes has come: it grows whenever an embedding is written or removed, so a
    /// search index that has caught up to it is current. 0 for a catalog without embeddings.
    /// </summary>
    long EmbeddingRevision();

    /// <summary>The faces whose embedding was written or removed after <paramref name="revision"/>.</summary>
    IReadOnlyCollection<long> FacesChangedSince(long revision);

    /// <summary>
    /// Everything the catalog holds but its caches and its own id, table by table in an order another catalog can
    /// write them in (photos, people, faces, embeddings, then the user's decisions), each in key order.
    /// </summary>
    IEnumerable<CatalogRows> ReadAll();

    /// <summary>Embeddings and attributes of the given faces (those that still exist), or of all when null; by id.</summary>
    IEnumerable<FaceVector> FaceVectors(IReadOnlyCollection<long>? only = null);
}

public readonly record struct CatalogCounts(int Photos, int PhotosWithFaces, int Faces, int FailedPhotos);
