using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

/// <summary>
/// The writer's lock on a catalog: an exclusive lock on <c>CATALOG.lock</c>, which the operating system drops
/// when the process ends in any way (kill -9 included), so a crashed run never leaves a stale lock behind.
/// </summary>
public sealed class CatalogLock : IDisposable
{
    readonly FileStream _stream;
    readonly string _owner;

    CatalogLock(FileStream stream, string owner)
    {
        _stream = stream;
        _owner = owner;
    }

    public static CatalogLock Acquire(string catalogPath)
    {
        var path = catalogPath + ".lock";
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix and a share lock on Windows.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Who holds it, in a file of its own, so others can tell without touching the lock (a reader's brief
            // lock on it could make a writer starting at that instant think the catalog busy).
            var owner = catalogPath + ".writer";
            File.WriteAllText(owner, Environment.ProcessId.ToString());
            return new CatalogLock(stream, owner);
        }
        catch (IOException)
        {
            throw new CatalogBusyException($"another index is already writing to {catalogPath}; wait for it to finish");
        }
    }

    /// <summary>Whether a live process holds the writer's lock (an index running), read without taking any lock.</summary>
    public static bool IsHeld(string catalogPath)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(catalogPath + ".writer"), out int pid)) return false;
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return false; // no writer file, or its process is gone (killed: the lock went with it)
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_owner);
        }
        catch (IOException)
        {
        }
        _stream.Dispose();
    }
}
