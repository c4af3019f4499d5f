using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Thumbnails;

/// <summary>
/// What turns a photo, or a video's frame, into the JPEGs the pages show (Vision's <c>PictureRenderer</c>).
/// <c>frameMs</c> null: the file is a photo; else a video, shown by its frame at that moment. Throws
/// <see cref="PhotoDecodeException"/> or an <see cref="IOException"/> when the file cannot be read now.
/// </summary>
public interface IPictureRenderer
{
    /// <summary>The face in <paramref name="box"/>, with a margin, as a small square JPEG.</summary>
    byte[] FaceThumbnail(string path, long? frameMs, FaceBox box);

    /// <summary>The whole picture reduced to at most <paramref name="maxSide"/> pixels on its long side.</summary>
    byte[] Preview(string path, long? frameMs, int maxSide);
}
