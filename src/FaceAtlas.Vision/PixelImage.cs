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
        var halves = new List<PixelImage> { new(source) }; // the source is borrowed: never disposed here
        try
        {
            return Shrink(halves, width, height);
        }
        finally
        {
            foreach (var half in halves.Skip(1)) half.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="halves"/>[0] at width x height. A large downscale must average the pixels it skips, or small
    /// faces alias away (a 1-in-3-pixel checkerboard shrunk 8x by bilinear sampling alone keeps a spread of 85 grey
    /// levels). Halving by bilinear sampling is an exact 2x2 average, so the image is halved (each halving made once,
    /// appended to <paramref name="halves"/> for the next caller) until the last, bilinear step shrinks it less than
    /// 2x: a mipmap chain built only as far as needed (Skia's own mipmaps cost 60 ms on a 12 MP photo's pyramid).
    /// </summary>
    internal static PixelImage Shrink(List<PixelImage> halves, int width, int height)
    {
        int k = 0;
        while (halves[k].Width >= 2 * width && halves[k].Height >= 2 * height)
        {
            if (k + 1 == halves.Count) halves.Add(halves[k].Halve());
            k++;
        }
        return halves[k].ResizeOnce(width, height);
    }

    /// <summary>This image at half size, each pixel the average of 2x2: one step of a mipmap chain.</summary>
    internal PixelImage Halve() => new(Scale(Bitmap, Width / 2, Height / 2));

    /// <summary>One bilinear step, for a downscale under 2x (or an upscale): use <see cref="Resize(int, int)"/> otherwise.</summary>
    internal PixelImage ResizeOnce(int width, int height) => new(Scale(Bitmap, width, height));

    static SKBitmap Scale(SKBitmap source, int width, int height)
    {
        var resized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!source.ScalePixels(resized, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
        {
            resized.Dispose();
            throw new InvalidOperationException($"could not resize {source.Width}x{source.Height} to {width}x{height}");
        }
        return resized;
    }

    public void Dispose() => Bitmap.Dispose();
}
