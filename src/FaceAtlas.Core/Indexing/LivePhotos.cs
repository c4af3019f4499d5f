using System.Text;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// A Live Photo is a still (HEIC or JPEG) and a short video beside it with the same name, tied by the content
/// identifier Apple writes into both (the video's QuickTime <c>content.identifier</c>, the still's maker note). They
/// are one moment: the still's faces stand for both, and the video is kept as part of it, not analysed as a second
/// copy of every face.
/// </summary>
public static class LivePhotos
{
    /// <summary>The format recorded for a Live Photo's video (it has no faces of its own).</summary>
    public const string VideoFormat = "Live Photo video";

    static readonly string[] StillExtensions = [".heic", ".HEIC", ".heif", ".HEIF", ".jpg", ".JPG", ".jpeg", ".JPEG"];

    /// <summary>Larger stills are read no further: Apple's maker note sits in the first megabytes of a Live Photo's still.</summary>
    const int MostBytesRead = 16 << 20;

    /// <summary>The still the video at <paramref name="video"/> belongs to, or null when it is a video of its own.</summary>
    public static string? StillOf(string video, string? contentIdentifier)
    {
        if (contentIdentifier is not { Length: >= 16 }) return null;
        var stem = Path.Combine(Path.GetDirectoryName(video) ?? "", Path.GetFileNameWithoutExtension(video));
        var needle = Encoding.ASCII.GetBytes(contentIdentifier);
        foreach (var extension in StillExtensions)
        {
            var still = stem + extension;
            if (File.Exists(still) && Holds(still, needle)) return still;
        }
        return null;
    }

    static bool Holds(string path, byte[] needle)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[Math.Min(stream.Length, MostBytesRead)];
            stream.ReadExactly(bytes);
            return bytes.AsSpan().IndexOf(needle) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
