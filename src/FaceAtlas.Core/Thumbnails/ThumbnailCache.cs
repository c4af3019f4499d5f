using System.Collections.Concurrent;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Thumbnails;

/// <summary>
/// Face thumbnails made on demand and kept in a folder beside the catalog. The file name holds the face id and its
/// box, so a face re-detected at another place gets a new thumbnail rather than a stale one. The folder is tagged
/// as a cache (<see cref="CacheTag"/>): `index` leaves it out, as backup tools do, so a catalog kept inside the
/// photo folders does not index its own thumbnails as photos.
/// </summary>
public sealed class ThumbnailCache
{
    readonly PhotoPictures _pictures;

    public ThumbnailCache(string folder, PhotoPictures pictures)
    {
        _pictures = pictures;
        Folder = Path.GetFullPath(folder);
        // A cache made before the tag existed gets it now, before the next index could take its files for photos.
        // Only a courtesy here: a cache that cannot be written to (a catalog read from a read-only place) still serves.
        if (!Directory.Exists(Folder)) return;
        try
        {
            CacheTag.Write(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The cache folder for a catalog: <c>CATALOG.thumbs</c> beside it.</summary>
    public static ThumbnailCache Beside(string catalogPath, PhotoPictures pictures) => new(FolderBeside(catalogPath), pictures);

    static string FolderBeside(string catalogPath) => Path.GetFullPath(catalogPath + ".thumbs");

    public string Folder { get; }

    /// <summary>Thumbnails being made now, by path: a thumbnail asked for by many pages at once is made once.</summary>
    readonly ConcurrentDictionary<string, Lazy<string?>> _making = new();
    int _rendered;

    /// <summary>How many thumbnails this cache has rendered (not found made).</summary>
    public int Rendered => Volatile.Read(ref _rendered);

    /// <summary>The thumbnail's path, rendering it first if it is not cached. Null when the photo cannot be read.</summary>
    public string? PathFor(FaceRecord face)
    {
        var path = Path.Combine(Folder, $"face-{face.Id}-{(int)face.Box.X}-{(int)face.Box.Y}-{(int)face.Box.Width}.jpg");
        if (File.Exists(path)) return path;
        var making = _making.GetOrAdd(path, p => new Lazy<string?>(() => Make(face, p)));
        try
        {
            return making.Value;
        }
        finally
        {
            _making.TryRemove(new KeyValuePair<string, Lazy<string?>>(path, making));
        }
    }

    /// <summary>Renders and stores the thumbnail; a full disk is a <see cref="DiskFullException"/> (the thumbnail can still be <see cref="Render"/>ed).</summary>
    string? Make(FaceRecord face, string path)
    {
        if (File.Exists(path)) return path; // made by a caller that finished just before this one asked
        Interlocked.Increment(ref _rendered);
        if (Render(face) is not { } jpeg) return null;
        try
        {
            Directory.CreateDirectory(Folder);
            CacheTag.Write(Folder);
            WholeFile.Write(path, jpeg);
        }
        catch (IOException e) when (DiskFullException.IsNoSpace(e))
        {
            throw new DiskFullException(Folder, e);
        }
        return path;
    }

    /// <summary>The thumbnail's JPEG, rendered now and not stored. Null when the photo cannot be read.</summary>
    public byte[]? Render(FaceRecord face)
    {
        try
        {
            return _pictures.Thumbnail(face);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PhotoDecodeException)
        {
            return null; // the photo moved or broke since it was indexed; the next index will tell
        }
    }

    /// <summary>Deletes the thumbnails of these faces (all boxes they ever had) from the cache beside a catalog.</summary>
    public static int RemoveBeside(string catalogPath, IEnumerable<long> faces)
    {
        var folder = FolderBeside(catalogPath);
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (long face in faces)
            foreach (var file in Directory.EnumerateFiles(folder, $"face-{face}-*.jpg"))
            {
                File.Delete(file);
                removed++;
            }
        return removed;
    }
}
