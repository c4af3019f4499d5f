using FaceAtlas.Core.Faces;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>A face's thumbnail: a padded square around its box, as a small JPEG.</summary>
public static class FaceThumbnail
{
    /// <summary>
    /// Renders the face at <paramref name="box"/> (pixels of the upright full-size photo) of the photo in
    /// <paramref name="encoded"/>, with <paramref name="padding"/> of the box's side on every side, as a
    /// <paramref name="size"/>-pixel square JPEG. Parts of the square outside the photo are grey.
    /// </summary>
    public static byte[] Render(ReadOnlySpan<byte> encoded, FaceBox box, int size = 160, float padding = 0.25f)
    {
        float side = Math.Max(box.Width, box.Height) * (1 + 2 * padding);
        // Decode no larger than the thumbnail needs.
        using var photo = PhotoDecoder.Decode(encoded, Math.Min(1.0, size / side * 1.5));
        return Render(photo, box, size, padding);
    }

    /// <summary>As above, from a photo already decoded (a video's frame).</summary>
    public static byte[] Render(DecodedPhoto photo, FaceBox box, int size = 160, float padding = 0.25f)
    {
        float side = Math.Max(box.Width, box.Height) * (1 + 2 * padding);
        float cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        float s = (float)photo.Scale;
        var source = SKRect.Create((cx - side / 2) * s, (cy - side / 2) * s, side * s, side * s);
        using var thumbnail = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(thumbnail))
        {
            canvas.Clear(new SKColor(128, 128, 128));
            using var image = SKImage.FromBitmap(photo.Image.Bitmap);
            canvas.DrawImage(image, source, SKRect.Create(0, 0, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        using var data = thumbnail.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }
}
