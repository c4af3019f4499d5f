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

    /// <summary>
    /// Tells others how far the writer has come (a line of the writer's choosing), beside its process id; written
    /// whole, by rename, so a reader never sees half of it.
    /// </summary>
    public void Publish(string progress)
    {
        var temporary = _owner + ".tmp";
        File.WriteAllText(temporary, $"{Environment.ProcessId}\n{progress}");
        File.Move(temporary, _owner, overwrite: true);
    }

    /// <summary>
    /// The live writer's published progress ("" before it published any), or null when no live process holds the
    /// writer's lock; read without taking any lock.
    /// </summary>
    public static string? Writer(string catalogPath)
    {
        try
        {
            var lines = File.ReadAllText(catalogPath + ".writer").Split('\n', 2);
            if (!int.TryParse(lines[0], out int pid)) return null;
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited ? null : lines.Length > 1 ? lines[1] : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null; // no writer file, or its process is gone (killed: the lock went with it)
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
