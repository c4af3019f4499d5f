using FaceAtlas.Core.Catalog;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Thumbnails;

/// <summary>
/// What the pages show of a photo or a video, as JPEG: a face's thumbnail and a photo reduced for a page. A video is
/// shown by a frame: a face's own frame, and for the video itself the frame of its first face (else its middle).
/// Throws <see cref="PhotoDecodeException"/> or an <see cref="IOException"/> when the file cannot be read now.
/// </summary>
public static class PhotoPictures
{
    static readonly Lazy<VideoTools?> Videos = new(VideoTools.Find);

    public static byte[] Thumbnail(FaceRecord face)
    {
        if (face.Photo.IsVideo)
        {
            using var frame = Frame(face.Photo, face.FrameMs ?? 0);
            return FaceThumbnail.Render(frame, face.Box);
        }
        return FaceThumbnail.Render(File.ReadAllBytes(face.Photo.Path), face.Box);
    }

    /// <param name="firstFaceMs">For a video, the moment of its first face, if it has one.</param>
    public static byte[] Preview(PhotoRef photo, int maxSide, long? firstFaceMs)
    {
        if (!photo.IsVideo)
            return PhotoPreview.Render(File.ReadAllBytes(photo.Path), maxSide);
        using var frame = Frame(photo, firstFaceMs ?? photo.DurationMs!.Value / 2);
        return PhotoPreview.Render(frame, maxSide);
    }

    static DecodedPhoto Frame(PhotoRef video, long ms)
    {
        var tools = Videos.Value ?? throw new PhotoDecodeException($"a video, and {VideoTools.Missing}");
        var image = tools.Frame(video.Path, TimeSpan.FromMilliseconds(ms));
        return new DecodedPhoto(image, image.Width, image.Height, 1.0, "video frame");
    }
}
