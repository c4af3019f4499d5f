using FaceAtlas.Storage;

namespace FaceAtlas.Cli;

/// <summary>Opens the catalog a command names, for reading or for the one writer at a time.</summary>
internal static class CatalogAccess
{
    /// <summary>An existing catalog; commands that only read or make small edits need no writer's lock.</summary>
    public static SqliteCatalog OpenExisting(string path) => SqliteCatalog.Open(path, create: false);

    /// <summary>The catalog (created if new) with the writer's lock held until the returned lock is disposed.</summary>
    public static (CatalogLock Lock, SqliteCatalog Catalog) OpenForWriting(string path, bool create = true)
    {
        if (!create && !File.Exists(path)) throw new FileNotFoundException($"no catalog at {path}; run 'faceatlas index PATH' first");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writerLock = CatalogLock.Acquire(path);
        try
        {
            return (writerLock, SqliteCatalog.Open(path, create));
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }
}
