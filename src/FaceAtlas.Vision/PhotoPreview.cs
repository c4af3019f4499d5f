using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>A photo reduced for a page: upright, no larger than asked, as a JPEG (never the 12 MP original to a grid).</summary>
public static class PhotoPreview
{
    public static byte[] Render(ReadOnlySpan<byte> encoded, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 16);
        using var photo = PhotoDecoder.Decode(encoded, 0.0, maxSide);
        return Render(photo, maxSide);
    }

    /// <summary>As above, from a photo already decoded (a video's frame).</summary>
    public static byte[] Render(DecodedPhoto photo, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 16);
        double shrink = Math.Min(1.0, (double)maxSide / Math.Max(photo.Image.Width, photo.Image.Height));
        int w = Math.Max(1, (int)Math.Round(photo.Image.Width * shrink)), h = Math.Max(1, (int)Math.Round(photo.Image.Height * shrink));
        using var small = shrink < 1 ? photo.Image.Resize(w, h) : null;
        using var data = (small ?? photo.Image).Bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }
}
