using FaceAtlas.Storage;

namespace FaceAtlas.Cli;

/// <summary>Opens the catalog a command names, for reading or for the one writer at a time.</summary>
internal static class CatalogAccess
{
    /// <summary>An existing catalog; commands that only read or make small edits need no writer's lock.</summary>
    public static SqliteCatalog OpenExisting(string path) => SqliteCatalog.Open(path, create: false);

    /// <summary>The catalog (created if new) with the writer's lock, both held until the result is disposed.</summary>
    public static WritableCatalog OpenForWriting(string path, bool create = true)
    {
        if (!create && !File.Exists(path)) throw new FileNotFoundException($"no catalog at {path}; run 'faceatlas index PATH' first");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writerLock = CatalogLock.Acquire(path);
        try
        {
            return new WritableCatalog(writerLock, SqliteCatalog.Open(path, create));
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }
}

/// <summary>A catalog open for writing and the lock that makes this process its one writer.</summary>
internal sealed class WritableCatalog(CatalogLock writerLock, SqliteCatalog catalog) : IDisposable
{
    public SqliteCatalog Catalog { get; } = catalog;

    public CatalogLock Lock => writerLock;

    public void Dispose()
    {
        Catalog.Dispose();
        writerLock.Dispose();
    }
}
