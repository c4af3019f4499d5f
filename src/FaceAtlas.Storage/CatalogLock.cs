using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

/// <summary>
/// The writer's lock on a catalog: an exclusive lock on <c>CATALOG.lock</c>, which the operating system drops
/// when the process ends in any way (kill -9 included), so a crashed run never leaves a stale lock behind.
/// </summary>
public sealed class CatalogLock : IDisposable
{
    readonly FileStream _stream;

    CatalogLock(FileStream stream) => _stream = stream;

    public static CatalogLock Acquire(string catalogPath)
    {
        var path = catalogPath + ".lock";
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix and a share lock on Windows.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new CatalogLock(stream);
        }
        catch (IOException)
        {
            throw new CatalogBusyException($"another index is already writing to {catalogPath}; wait for it to finish");
        }
    }

    public void Dispose() => _stream.Dispose();
}
