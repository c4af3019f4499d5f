using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Catalog;

/// <summary>The whole catalog through one door: its photos and faces, and its people.</summary>
public interface IFaceCatalog : ICatalog, IPeopleCatalog;

/// <summary>
/// Where a catalog lives and how it is opened: the one port front ends reach the catalog through. The composition
/// place (FaceAtlas.Storage's <c>CatalogStores</c>) picks the implementation; nothing else names it.
/// </summary>
public interface ICatalogStore
{
    /// <summary>The catalog's name for messages (a path; never a password).</summary>
    string Location { get; }

    /// <summary>
    /// Where the files FaceAtlas keeps for this catalog on this machine begin (thumbnails in
    /// <c>LocalFiles.thumbs/</c>, the search index in <c>LocalFiles.search</c>, people's average faces in
    /// <c>LocalFiles.centres</c> and <c>LocalFiles.suggestions</c>): caches, remade from the catalog.
    /// </summary>
    string LocalFiles { get; }

    /// <summary>
    /// No catalog is here yet: the next <see cref="OpenForWriting"/> makes it, and an index into it analyses every
    /// photo it finds. False where that cannot be told without asking a server.
    /// </summary>
    bool IsNew { get; }

    /// <summary>An existing catalog, for reading and for small edits (naming, merging); throws when there is none.</summary>
    IFaceCatalog Open();

    /// <summary>
    /// The catalog (made when new and <paramref name="create"/> is set) with the writer's lock: one writer at a
    /// time, anyone else gets <see cref="CatalogBusyException"/>. Both are held until the result is disposed.
    /// </summary>
    ICatalogWriter OpenForWriting(bool create = true);

    /// <summary>The index writing to the catalog now, if any, with its last published progress.</summary>
    RunningIndex? RunningIndex();

    /// <summary>Bytes the catalog takes on disk (its journal included).</summary>
    long SizeBytes();

    /// <summary>
    /// <paramref name="error"/> in the words of the failures every front end maps: a full disk as
    /// <see cref="DiskFullException"/>, a damaged catalog as <see cref="DamagedCatalogException"/>; null when it is
    /// none of the store's own errors.
    /// </summary>
    Exception? Explain(Exception error);
}

/// <summary>A catalog held by its one writer.</summary>
public interface ICatalogWriter : IDisposable
{
    IFaceCatalog Catalog { get; }

    /// <summary>
    /// The work shared with other indexes writing to the same catalog at once; null where there is one writer at a
    /// time (a catalog file), so the index analyses all it finds.
    /// </summary>
    ISharedWork? SharedWork { get; }

    /// <summary>Tells other processes (the web app) how far the index has come; best effort.</summary>
    void Publish(IndexProgress progress);

    /// <summary>
    /// Writes another catalog's <see cref="ICatalog.ReadAll"/> into this one, which must hold nothing yet, in one
    /// transaction, keeping every id; returns the rows written per table.
    /// </summary>
    CopiedTables WriteAll(IEnumerable<CatalogRows> tables);
}

/// <summary>
/// An index writing to the catalog now; <see cref="Progress"/> null until it has said how far it is. Where several
/// workers share the work, <see cref="Progress"/> is their sum and <see cref="Workers"/> names each.
/// </summary>
public sealed record RunningIndex(IndexingProgress? Progress)
{
    public IReadOnlyList<IndexWorker> Workers { get; init; } = [];
}

/// <summary>
/// One worker indexing into a shared catalog: where it runs, how far it has come, and its throughput (photos it
/// analysed per second of its own indexing time).
/// </summary>
public sealed record IndexWorker(string Host, int ProcessId, DateTimeOffset Started, DateTimeOffset LastSeen,
    IndexingProgress Progress, double PhotosPerSecond);

/// <summary>How far a running index has come, as another process sees it.</summary>
public readonly record struct IndexingProgress(int PhotosDone, int PhotosTotal, int FacesFound)
{
    /// <summary>A watching index between passes (<c>index --watch</c>, <c>serve --watch</c>): up to date, waiting for changes.</summary>
    public bool Watching { get; init; }
}
