namespace FaceAtlas.Core.Thumbnails;

/// <summary>
/// The Cache Directory Tagging Specification (https://bford.info/cachedir/): a folder holding a file CACHEDIR.TAG
/// that begins with this signature holds only what can be made again. tar --exclude-caches, borg and restic skip
/// such folders; FaceAtlas's `index` does too.
/// </summary>
public static class CacheTag
{
    public const string FileName = "CACHEDIR.TAG";
    const string Signature = "Signature: 8a477f597d28d172789f06886806bc55";

    /// <summary>Tags <paramref name="folder"/> as a cache, unless it is already.</summary>
    public static void Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (File.Exists(path)) return;
        WholeFile.Write(path, System.Text.Encoding.ASCII.GetBytes(
            Signature + "\n# FaceAtlas face thumbnails, made again when needed (https://bford.info/cachedir/)\n"));
    }

    /// <summary>Whether <paramref name="tagFile"/> is a cache tag (the specification asks for the signature, not just the name).</summary>
    public static bool IsTag(string tagFile)
    {
        if (!File.Exists(tagFile)) return false; // the common answer, without an exception
        try
        {
            using var stream = File.OpenRead(tagFile);
            Span<byte> start = stackalloc byte[Signature.Length];
            return stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length
                && System.Text.Encoding.ASCII.GetString(start) == Signature;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
