using FaceAtlas.Core.Faces;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>Limits that keep a hostile or broken file from exhausting memory.</summary>
public sealed record DecodeLimits
{
    /// <summary>Largest image, in pixels of the full-size photo, that is decoded at all.</summary>
    public long MaxDeclaredPixels { get; init; } = 250_000_000;

    /// <summary>Largest image, in pixels actually decoded (after scaled decode), kept in memory.</summary>
    public long MaxDecodedPixels { get; init; } = 40_000_000;

    /// <summary>Smallest side of a photo worth looking at for faces.</summary>
    public int MinSide { get; init; } = 16;

    public static DecodeLimits Default { get; } = new();
}

/// <summary>
/// Decodes a photo from its bytes: the format is sniffed from the content (never the file name), EXIF
/// orientation is applied, and JPEGs are decoded at a reduced DCT scale when fewer pixels are enough. JPEG, PNG, WebP,
/// BMP and GIF are Skia's, baseline TIFF is <see cref="TiffDecoder"/>'s; HEIC, AVIF, JPEG XL and camera RAW
/// (<see cref="ForeignFormat"/>) go to <see cref="ForeignDecoding.Decoder"/>.
/// </summary>
public static class PhotoDecoder
{
    /// <summary>
    /// Decodes <paramref name="encoded"/> so that the result is at least <paramref name="minScale"/> of the
    /// full-size photo (1 = full size). Throws <see cref="PhotoDecodeException"/> with a specific reason.
    /// </summary>
    public static DecodedPhoto Decode(ReadOnlySpan<byte> encoded, double minScale = 1.0, DecodeLimits? limits = null) =>
        Decode(encoded, minScale, 0, limits);

    /// <summary>
    /// As above, and never smaller than <paramref name="minLongSide"/> pixels on the long side (unless the photo is):
    /// the faces are embedded from this image, and a face halved in size loses detail the embedder needs.
    /// </summary>
    public static DecodedPhoto Decode(ReadOnlySpan<byte> encoded, double minScale, int minLongSide, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        if (encoded.Length == 0)
            throw new PhotoDecodeException("empty file");
        if (ForeignFormat.Sniff(encoded) is { } foreign)
            return FromForeign(ForeignDecoding.Decoder.Decode(encoded, foreign, minScale, minLongSide, limits));
        if (TiffDecoder.IsTiff(encoded))
            return TiffDecoder.Decode(encoded, limits);

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult);
        if (codec is null)
            throw new PhotoDecodeException(SignatureOf(encoded) switch
            {
                null => "not an image in a supported format (JPEG, PNG, WebP, BMP, GIF, TIFF, HEIC, AVIF, JPEG XL, camera RAW)",
                _ when createResult == SKCodecResult.IncompleteInput => "truncated image header",
                var kind => $"damaged image header: starts as a {kind} but its header makes no sense ({createResult})",
            });
        if (JpegIntegrity.IsJpeg(encoded) && !JpegIntegrity.IsComplete(encoded))
            throw new PhotoDecodeException("truncated image data (the JPEG ends before its image does)");

        var format = codec.EncodedFormat.ToString().ToUpperInvariant();
        var full = codec.Info;
        CheckDimensions(full.Width, full.Height, limits);
        minScale = Math.Max(minScale, Math.Min(1.0, (double)minLongSide / Math.Max(full.Width, full.Height)));

        // libjpeg can decode at k/8 of full size for the price of far fewer pixels; other codecs answer full size.
        var scaled = full.Size;
        for (int eighths = 1; eighths < 8; eighths++)
        {
            var candidate = codec.GetScaledDimensions(eighths / 8f);
            if (candidate.Width >= full.Width * minScale - 1e-6 && candidate.Height >= full.Height * minScale - 1e-6)
            {
                scaled = candidate;
                break;
            }
        }
        if (scaled.Width * (long)scaled.Height > limits.MaxDecodedPixels)
            throw new PhotoDecodeException(
                $"image too large to decode: {full.Width}x{full.Height} (limit {limits.MaxDecodedPixels / 1_000_000} MP decoded)");

        // Faces are looked for in opaque pixels: a photo with transparency is decoded premultiplied, which is the
        // photo over black, and then marked opaque.
        bool opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        var info = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        try
        {
            // Frame 0 only: the first frame of a GIF is its photo.
            var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(0));
            if (result == SKCodecResult.IncompleteInput)
                throw new PhotoDecodeException("truncated image data (file ends before the image does)");
            if (result != SKCodecResult.Success)
                throw new PhotoDecodeException($"corrupt image data ({result})");
            if (!opaque)
            {
                var flattened = new SKBitmap(info.WithAlphaType(SKAlphaType.Opaque));
                bitmap.GetPixelSpan().CopyTo(flattened.GetPixelSpan());
                bitmap.Dispose();
                bitmap = flattened;
            }

            var upright = Orient(bitmap, codec.EncodedOrigin);
            if (!ReferenceEquals(upright, bitmap))
                bitmap.Dispose();
            bitmap = upright;
            bool swaps = SwapsAxes(codec.EncodedOrigin);
            int width = swaps ? full.Height : full.Width, height = swaps ? full.Width : full.Height;
            var decoded = new DecodedPhoto(new PixelImage(bitmap), width, height, (double)bitmap.Width / width, format);
            bitmap = null!;
            return decoded;
        }
        finally
        {
            bitmap?.Dispose();
        }
    }

    static DecodedPhoto FromForeign(ForeignPicture picture) =>
        new(PixelImage.FromRgba(picture.Width, picture.Height, picture.Rgba), picture.FullWidth, picture.FullHeight,
            (double)picture.Width / picture.FullWidth, picture.Format);

    /// <summary>
    /// The format whose first bytes the file has, so that a file Skia refuses is "truncated" or "damaged", not "not an
    /// image"; null when it starts like none.
    /// </summary>
    static string? SignatureOf(ReadOnlySpan<byte> b) =>
        JpegIntegrity.IsJpeg(b) ? "JPEG"
        : b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? "PNG"
        : b.StartsWith("GIF8"u8) ? "GIF"
        : b.StartsWith("BM"u8) ? "BMP"
        : b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "WebP"
        : null;

    internal static void CheckDimensions(int width, int height, DecodeLimits limits)
    {
        if (width < limits.MinSide || height < limits.MinSide)
            throw new PhotoDecodeException($"image too small: {width}x{height} (a face needs at least {limits.MinSide} pixels a side)");
        if ((long)width * height > limits.MaxDeclaredPixels)
            throw new PhotoDecodeException(
                $"image too large: declares {width}x{height} pixels (limit {limits.MaxDeclaredPixels / 1_000_000} MP)");
    }

    static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Applies an EXIF orientation; returns the same bitmap when it is already upright.</summary>
    internal static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
            return bitmap;
        int w = bitmap.Width, h = bitmap.Height;
        bool swap = SwapsAxes(origin);
        var rotated = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(rotated);
        // Each matrix maps a stored pixel to where it is seen in the upright photo (EXIF 2.3, tag 0x0112).
        var m = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        canvas.SetMatrix(m);
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), paint);
        canvas.Flush();
        return rotated;
    }
}
