using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// An upright 8-bit RGBA image in memory. Owns its pixels; dispose it as soon as the faces are found.
/// The public surface is library-neutral so that callers never depend on the image library.
/// </summary>
public sealed class PixelImage : IDisposable
{
    internal PixelImage(SKBitmap bitmap)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"expected RGBA8888 pixels, got {bitmap.ColorType}", nameof(bitmap));
        Bitmap = bitmap;
    }

    internal SKBitmap Bitmap { get; }

    public int Width => Bitmap.Width;
    public int Height => Bitmap.Height;

    /// <summary>Bytes per row (at least 4 x Width).</summary>
    public int RowBytes => Bitmap.RowBytes;

    /// <summary>The pixels, row by row, 4 bytes (R, G, B, A) a pixel.</summary>
    public ReadOnlySpan<byte> Pixels => Bitmap.GetPixelSpan();

    /// <summary>Makes an image from raw RGBA bytes (tests and synthetic inputs).</summary>
    public static PixelImage FromRgba(int width, int height, ReadOnlySpan<byte> rgba)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgba.Length != width * height * 4)
            throw new ArgumentException($"expected {width * height * 4} bytes, got {rgba.Length}", nameof(rgba));
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var dst = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            rgba.Slice(y * width * 4, width * 4).CopyTo(dst.Slice(y * bitmap.RowBytes, width * 4));
        return new PixelImage(bitmap);
    }

    /// <summary>A resized copy (any aspect), filtered for quality: used to build the detector's pyramid.</summary>
    public PixelImage Resize(int width, int height) => Resize(Bitmap, width, height);

    /// <summary>A resized copy of a region of this image (given as a subset bitmap sharing its pixels).</summary>
    internal PixelImage Resize(SKBitmap source, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var resized = new SKBitmap(info);
        // Mipmaps average the pixels a large downscale skips, so small faces do not alias away (without them a
        // 1-in-3-pixel checkerboard shrunk 8x keeps a standard deviation of 85 grey levels; with them, 5).
        if (!source.ScalePixels(resized, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
        {
            resized.Dispose();
            throw new InvalidOperationException($"could not resize {Width}x{Height} to {width}x{height}");
        }
        return new PixelImage(resized);
    }

    public void Dispose() => Bitmap.Dispose();
}
