using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Vision;

/// <summary>
/// Core's picture port: photos decoded as for indexing, videos by a frame ffmpeg decodes (found on first use; a
/// machine without it gets a <see cref="PhotoDecodeException"/> saying so for each video).
/// </summary>
public sealed class PictureRenderer : IPictureRenderer
{
    readonly Lazy<VideoTools?> _videos = new(VideoTools.Find);

    public byte[] FaceThumbnail(string path, long? frameMs, FaceBox box)
    {
        if (frameMs is not { } ms) return Vision.FaceThumbnail.Render(File.ReadAllBytes(path), box);
        using var frame = Frame(path, ms);
        return Vision.FaceThumbnail.Render(frame, box);
    }

    public byte[] Preview(string path, long? frameMs, int maxSide)
    {
        if (frameMs is not { } ms) return PhotoPreview.Render(File.ReadAllBytes(path), maxSide);
        using var frame = Frame(path, ms);
        return PhotoPreview.Render(frame, maxSide);
    }

    DecodedPhoto Frame(string video, long ms)
    {
        var tools = _videos.Value ?? throw new PhotoDecodeException($"a video, and {VideoTools.Missing}");
        var image = tools.Frame(video, TimeSpan.FromMilliseconds(ms));
        return new DecodedPhoto(image, image.Width, image.Height, 1.0, "video frame");
    }
}
