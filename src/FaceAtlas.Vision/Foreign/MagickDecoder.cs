using FaceAtlas.Core.Faces;
using ImageMagick;
using ImageMagick.Formats;

namespace FaceAtlas.Vision;

/// <summary>
/// Decodes the foreign formats in this process with Magick.NET: ImageMagick with libheif and libde265 (HEIC, HEIF),
/// libheif with dav1d (AVIF), libjxl (JPEG XL) and LibRaw (camera RAW), all inside its one native library.
/// A camera RAW is read from the JPEG preview the camera embedded when that has at least
/// <see cref="MinPreviewLongSide"/> pixels on its long side (what Immich and digiKam show too; most cameras embed a
/// full-size one), else its raw data is demosaiced. The choice depends on the file alone, never on the size asked
/// for, so every decode of one file has the same full size and face boxes keep their place.
/// </summary>
public sealed class MagickDecoder : IForeignDecoder
{
    public static MagickDecoder Instance { get; } = new();

    /// <summary>A preview smaller than this loses the small faces of a group photo; the raw data is used instead.</summary>
    public const int MinPreviewLongSide = 1600;

    static readonly Lazy<bool> Configured = new(() =>
    {
        // Pixels are held in memory only (no disk cache a bomb could fill); ImageMagick's own limits stop an image
        // before it is allocated.
        ResourceLimits.Disk = 0;
        ResourceLimits.Memory = 3UL << 30;
        ResourceLimits.Area = 1UL << 30;
        ResourceLimits.ListLength = 16;
        return true;
    });

    public ForeignPicture Decode(ReadOnlySpan<byte> encoded, ForeignFormat format, double minScale, int minLongSide, DecodeLimits limits)
    {
        _ = Configured.Value;
        try
        {
            using var image = Read(encoded, format, limits);
            if (format.Kind is ForeignKind.Heif or ForeignKind.Avif && !HeifBoxes.HasTransform(encoded)
                && image.GetExifProfile()?.GetValue(ExifTag.Orientation)?.Value is >= 2 and <= 8 and var orientation)
                image.Orientation = (Orientation)orientation;
            return Pixels(image, format, minScale, minLongSide, limits);
        }
        catch (MagickException e)
        {
            throw new PhotoDecodeException($"damaged or unsupported {format.Name}: {Reason(e)}");
        }
    }

    static MagickImage Read(ReadOnlySpan<byte> encoded, ForeignFormat format, DecodeLimits limits)
    {
        var bytes = format.Kind == ForeignKind.JpegXl ? JpegXlBoxes.WithoutCompressedMetadata(encoded) : encoded.ToArray();
        var magickFormat = format.Kind switch
        {
            ForeignKind.Heif => MagickFormat.Heic,
            ForeignKind.Avif => MagickFormat.Avif,
            ForeignKind.JpegXl => MagickFormat.Jxl,
            _ => MagickFormat.Dng, // LibRaw tells the camera's format from the content
        };
        var settings = new MagickReadSettings { Format = magickFormat };
        if (format.Kind == ForeignKind.Raw)
            settings.Defines = new DngReadDefines { ReadThumbnail = true };

        // The header first: a file declaring more pixels than the limit is refused before any is allocated.
        var header = new MagickImage();
        try
        {
            header.Ping(bytes, settings);
            PhotoDecoder.CheckDimensions((int)Math.Min(header.Width, int.MaxValue), (int)Math.Min(header.Height, int.MaxValue), limits);
            if (format.Kind == ForeignKind.Raw && Preview(header) is { } preview)
                return preview;
        }
        finally
        {
            header.Dispose();
        }
        if (format.Kind == ForeignKind.Raw)
            settings.Defines = null;
        var image = new MagickImage();
        try
        {
            image.Read(bytes, settings);
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>The camera's embedded JPEG when it is large enough, turned as the raw data is; null otherwise.</summary>
    static MagickImage? Preview(MagickImage raw)
    {
        if (raw.GetProfile("dng:thumbnail")?.ToByteArray() is not { Length: > 0 } jpeg || !JpegIntegrity.IsJpeg(jpeg))
            return null;
        var preview = new MagickImage();
        try
        {
            preview.Ping(jpeg, new MagickReadSettings { Format = MagickFormat.Jpeg });
            if (Math.Max(preview.Width, preview.Height) < MinPreviewLongSide)
            {
                preview.Dispose();
                return null;
            }
            preview.Read(jpeg, new MagickReadSettings { Format = MagickFormat.Jpeg });
            // The preview carries no orientation of its own in most cameras; the raw's is the photo's.
            if (raw.Orientation != Orientation.Undefined)
                preview.Orientation = raw.Orientation;
            return preview;
        }
        catch
        {
            preview.Dispose();
            throw;
        }
    }

    static ForeignPicture Pixels(MagickImage image, ForeignFormat format, double minScale, int minLongSide, DecodeLimits limits)
    {
        image.AutoOrient();
        int fullWidth = (int)image.Width, fullHeight = (int)image.Height;
        PhotoDecoder.CheckDimensions(fullWidth, fullHeight, limits);
        double scale = Math.Max(minScale, Math.Min(1.0, (double)minLongSide / Math.Max(fullWidth, fullHeight)));
        if (scale < 0.95)
        {
            uint w = (uint)Math.Max(1, Math.Round(fullWidth * scale)), h = (uint)Math.Max(1, Math.Round(fullHeight * scale));
            image.FilterType = FilterType.Triangle;
            image.Resize(new MagickGeometry(w, h) { IgnoreAspectRatio = true });
        }
        if ((long)image.Width * image.Height > limits.MaxDecodedPixels)
            throw new PhotoDecodeException(
                $"image too large to decode: {fullWidth}x{fullHeight} (limit {limits.MaxDecodedPixels / 1_000_000} MP decoded)");
        // Faces are looked for in opaque pixels: transparency is the photo over black, as for the other formats.
        if (image.HasAlpha)
        {
            image.BackgroundColor = MagickColors.Black;
            image.Alpha(AlphaAction.Remove);
        }
        using var pixels = image.GetPixelsUnsafe();
        var rgba = pixels.ToByteArray(PixelMapping.RGBA) ?? throw new PhotoDecodeException($"damaged {format.Name}: no pixels");
        return new ForeignPicture(fullWidth, fullHeight, (int)image.Width, (int)image.Height, format.Name, rgba);
    }

    /// <summary>
    /// ImageMagick's message without its source location or the scratch file it names ("Input/output error
    /// `/tmp/magick-...'"): "Invalid input: Unexpected end of file: ...".
    /// </summary>
    static string Reason(MagickException e)
    {
        var text = e.Message.Split('\n')[0];
        int at = text.IndexOf(" @ ", StringComparison.Ordinal);
        if (at >= 0) text = text[..at];
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s*[`'][^`']*magick-[^`']*'", "");
        return text.Replace("`'", "").Replace("`", "'").Trim();
    }
}
