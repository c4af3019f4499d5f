using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Thumbnails;

/// <summary>
/// What the pages show of a photo or a video, as JPEG: a face's thumbnail and a photo reduced for a page. A video is
/// shown by a frame: a face's own frame, and for the video itself the frame of its first face (else its middle).
/// Throws <see cref="PhotoDecodeException"/> or an <see cref="IOException"/> when the file cannot be read now.
/// </summary>
public sealed class PhotoPictures(IPictureRenderer renderer)
{
    public byte[] Thumbnail(FaceRecord face) =>
        renderer.FaceThumbnail(face.Photo.Path, face.Photo.IsVideo ? face.FrameMs ?? 0 : null, face.Box);

    /// <param name="firstFaceMs">For a video, the moment of its first face, if it has one.</param>
    public byte[] Preview(PhotoRef photo, int maxSide, long? firstFaceMs) =>
        renderer.Preview(photo.Path, photo.IsVideo ? firstFaceMs ?? photo.DurationMs!.Value / 2 : null, maxSide);
}
