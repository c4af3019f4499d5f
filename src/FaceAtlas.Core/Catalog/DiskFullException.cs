namespace FaceAtlas.Core.Catalog;

/// <summary>
/// A write found no space left on the disk holding <see cref="Path"/>. What was committed before it stays (the
/// write that failed is rolled back whole), so the same command, run again once there is space, goes on from there.
/// </summary>
public sealed class DiskFullException(string path, Exception inner, int? photosSaved = null)
    : IOException(Describe(path, photosSaved), inner)
{
    public string Path { get; } = path;

    /// <summary>Photos this run had saved when the disk filled, when the run was an index.</summary>
    public int? PhotosSaved { get; } = photosSaved;

    public DiskFullException WithPhotosSaved(int photos) => new(Path, InnerException!, photos);

    /// <summary>Whether <paramref name="e"/> is the system's "no space left on device" (ENOSPC on Linux, ERROR_DISK_FULL on Windows).</summary>
    public static bool IsNoSpace(IOException e) => e is DiskFullException || e.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    static string Describe(string path, int? saved) =>
        $"the disk holding {path} is full{(saved is { } n ? $": {n:N0} photo{(n == 1 ? " was" : "s were")} saved" : "")}; " +
        "free some space and run the same command to go on (nothing saved is lost)";
}
