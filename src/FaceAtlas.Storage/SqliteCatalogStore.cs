using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>
/// A catalog in one SQLite file: the file itself, <c>FILE-wal</c> and <c>FILE-shm</c> (SQLite's journal),
/// <c>FILE.lock</c> and <c>FILE.writer</c> (the writer's lock and what it publishes), and the caches beside it.
/// </summary>
public sealed class SqliteCatalogStore(string path) : ICatalogStore
{
    public string Location { get; } = Path.GetFullPath(path);

    public string LocalFiles => Location;

    public bool IsNew => !Path.Exists(Location);

    public IFaceCatalog Open() => SqliteCatalog.Open(Location, create: false);

    public ICatalogWriter OpenForWriting(bool create = true)
    {
        SqliteCatalog.CheckedFilePath(Location, create);
        var writerLock = CatalogLock.Acquire(Location);
        try
        {
            return new Writer(writerLock, SqliteCatalog.Open(Location, create));
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    public RunningIndex? RunningIndex() =>
        CatalogLock.Writer(Location) is { } published ? new RunningIndex(ParseProgress(published)) : null;

    public long SizeBytes() => LengthOf(Location) + LengthOf(Location + "-wal");

    public Exception? Explain(Exception error) => error switch
    {
        SqliteException e when SqliteCatalog.IsFull(e) => new DiskFullException(Location, e),
        SqliteException { SqliteErrorCode: 11 /* SQLITE_CORRUPT */ or 26 /* SQLITE_NOTADB */ } e =>
            new DamagedCatalogException($"{StoredValues.Damage} ({Location}: {e.Message})", e),
        SqliteException e => new IOException($"the catalog {Location} cannot be used: {e.Message}", e),
        _ => null,
    };

    static long LengthOf(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    /// <summary>The writer's progress line: "done total faces".</summary>
    static string FormatProgress(IndexProgress p) => $"{p.PhotosDone} {p.PhotosTotal} {p.FacesFound}{(p.Watching ? " watching" : "")}";

    static IndexingProgress? ParseProgress(string line)
    {
        var words = line.Split(' ');
        bool watching = words is [_, _, _, "watching"];
        var numbers = words.Take(3).Select(n => int.TryParse(n, out int v) ? v : -1).ToArray();
        return numbers is [>= 0 and var done, >= 0 and var total, >= 0 and var faces] && words.Length == (watching ? 4 : 3)
            ? new IndexingProgress(done, total, faces) { Watching = watching } : null;
    }

    sealed class Writer(CatalogLock writerLock, SqliteCatalog catalog) : ICatalogWriter
    {
        public IFaceCatalog Catalog => catalog;

        public ISharedWork? SharedWork => null;

        public CopiedTables WriteAll(IEnumerable<CatalogRows> tables) => catalog.WriteAll(tables);

        public void Publish(IndexProgress progress)
        {
            try
            {
                writerLock.Publish(FormatProgress(progress));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Progress for others is a courtesy; indexing goes on without it.
            }
        }

        public void Dispose()
        {
            catalog.Dispose();
            writerLock.Dispose();
        }
    }
}
