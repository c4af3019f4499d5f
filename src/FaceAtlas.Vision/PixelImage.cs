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
        var bitmap = Blank(width, height);
        var dst = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            rgba.Slice(y * width * 4, width * 4).CopyTo(dst.Slice(y * bitmap.RowBytes, width * 4));
        return new PixelImage(bitmap);
    }

    /// <summary>A resized copy (any aspect), filtered for quality: used to build the detector's pyramid.</summary>
    public PixelImage Resize(int width, int height) => Resize(Bitmap, width, height);

    /// <summary>
    /// The pixels inside <paramref name="crop"/> scaled to side x side (RGBA, side x 4 bytes a row; linear with
    /// mipmaps, as Skia scales): the input the landmark and attribute models are fed from.
    /// </summary>
    internal byte[] CropScaled(SKRectI crop, int side)
    {
        // The part inside the image, as Skia's ExtractSubset took it.
        var inside = SKRectI.Intersect(crop, new SKRectI(0, 0, Width, Height));
        if (inside.Width < 1 || inside.Height < 1)
            throw new InvalidOperationException($"crop {crop} outside a {Width}x{Height} image");
        var small = new byte[side * side * 4];
        if ((long)inside.Width * inside.Height <= MipmapScaler.FastestUpTo)
        {
            MipmapScaler.Scale(Pixels[(inside.Top * RowBytes + inside.Left * 4)..], inside.Width, inside.Height, RowBytes,
                small, side, side, side * 4);
            return small;
        }
        using var subset = new SKBitmap();
        Bitmap.ExtractSubset(subset, inside);
        using var scaled = Blank(side, side);
        subset.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        scaled.GetPixelSpan().CopyTo(small);
        return small;
    }

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
    /// 2x: a mipmap chain built only as far as needed (Skia's own mipmaps build every level: docs/BENCHMARKS.md).
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

    /// <summary>
    /// This image at half size: one step of a mipmap chain. Of even sizes, each pixel is the rounded average of 2x2
    /// (<see cref="MipmapScaler.HalveEven"/>): the pixels Skia's ScalePixels gives (to 1 grey level), in a fraction of its
    /// time (bench -- resize, docs/BENCHMARKS.md). Of an odd size a bilinear step spreads the one spare row
    /// or column over the whole image (its sample points drift), which a plain 2x2 average cannot copy; such images
    /// keep that step.
    /// </summary>
    internal PixelImage Halve()
    {
        if (Width % 2 != 0 || Height % 2 != 0) return new(Scale(Bitmap, Width / 2, Height / 2));
        int width = Width / 2, height = Height / 2;
        var halved = Blank(width, height);
        MipmapScaler.HalveEven(Pixels, RowBytes, halved.GetPixelSpan(), halved.RowBytes, width, height, rounded: true);
        return new PixelImage(halved);
    }

    /// <summary>One bilinear step, for a downscale under 2x (or an upscale): use <see cref="Resize(int, int)"/> otherwise.</summary>
    internal PixelImage ResizeOnce(int width, int height) => new(Scale(Bitmap, width, height));

    static SKBitmap Scale(SKBitmap source, int width, int height)
    {
        var resized = Blank(width, height);
        BilinearScaler.Scale(source.GetPixelSpan(), source.Width, source.Height, source.RowBytes,
            resized.GetPixelSpan(), width, height, resized.RowBytes);
        return resized;
    }

    /// <summary>A new bitmap of this class's layout: 8-bit RGBA, unpremultiplied.</summary>
    static SKBitmap Blank(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));

    public void Dispose() => Bitmap.Dispose();
}
