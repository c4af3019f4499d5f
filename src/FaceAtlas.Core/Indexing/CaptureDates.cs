using System.Globalization;
using FaceAtlas.Core.Catalog;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// Reads when a photo was taken: from what it records (EXIF, then XMP), else from its file's name, else from its file's
/// last write, the last resort (often the day it was copied).
/// </summary>
public static class CaptureDates
{
    const int DateTimeOriginal = 0x9003, DateTimeDigitized = 0x9004, OffsetTimeOriginal = 0x9011, OffsetTimeDigitized = 0x9012;

    /// <summary>
    /// DateTimeOriginal with OffsetTimeOriginal where present, else DateTimeDigitized with its offset, else the XMP's
    /// date (<see cref="XmpDates"/>), else <see cref="FromNameOrFile"/>. A damaged or absent EXIF block is no error:
    /// the photo still has a date.
    /// </summary>
    public static CaptureDate Read(IEnumerable<MetadataExtractor.Directory> metadata, PhotoFile file)
    {
        foreach (var exif in metadata.OfType<ExifSubIfdDirectory>())
            if ((Exif(exif, DateTimeOriginal, OffsetTimeOriginal) ?? Exif(exif, DateTimeDigitized, OffsetTimeDigitized)) is { } taken)
                return taken;
        return XmpDates.Read(metadata) ?? FromNameOrFile(file);
    }

    /// <summary>
    /// For a photo or video that records no date: the one in its file's name (<see cref="FileNameDates"/>), else the
    /// file's last write (<see cref="CaptureDate.FromFile"/>).
    /// </summary>
    public static CaptureDate FromNameOrFile(PhotoFile file) =>
        FileNameDates.Read(file.Path) ?? CaptureDate.FromFile(file.ModifiedTicks);

    /// <summary>
    /// The photo's metadata as MetadataExtractor reads it (EXIF, XMP, ...); none where the library cannot read it,
    /// which is no error: the photo is still analysed, dated by its name or its file.
    /// </summary>
    public static IReadOnlyList<MetadataExtractor.Directory> Metadata(byte[] photo)
    {
        try
        {
            if (JpegXlMetadata.IsContainer(photo))
                return JpegXlMetadata.Read(photo);
            using var stream = new MemoryStream(AvifAsHeif(photo), writable: false);
            return ImageMetadataReader.ReadMetadata(stream);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or MetadataException or ArgumentException
                                      or FormatException or IndexOutOfRangeException or OverflowException
                                      or XmpCore.XmpException or System.Xml.XmlException
                                      // its ISO media reader (HEIF, AVIF) throws a bare Exception for a box that lies about its size
                                      || e.GetType() == typeof(Exception))
        {
            return [];
        }
    }

    /// <summary>
    /// An AVIF is a HEIF with AV1 inside, its EXIF and XMP where a HEIC has them, but MetadataExtractor knows the file
    /// type by the HEIC brands only: it is shown the same bytes under the generic HEIF brand.
    /// </summary>
    static byte[] AvifAsHeif(byte[] photo)
    {
        if (photo.Length < 12 || !photo.AsSpan(4, 4).SequenceEqual("ftyp"u8) || !photo.AsSpan(8, 4).SequenceEqual("avif"u8))
            return photo;
        var copy = (byte[])photo.Clone();
        "heic"u8.CopyTo(copy.AsSpan(8));
        return copy;
    }

    static CaptureDate? Exif(ExifSubIfdDirectory exif, int dateTag, int offsetTag)
    {
        var text = exif.GetString(dateTag)?.Trim('\0', ' ');
        if (text is null || !DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
            return null; // cameras without a set clock write "0000:00:00 00:00:00"
        if (clock.Year < 1800 || clock > DateTime.Now.AddDays(2)) return null;
        TimeSpan? offset = exif.GetString(offsetTag)?.Trim('\0', ' ') is { } o
                           && TimeSpan.TryParseExact(o.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var span)
            ? (o.StartsWith('-') ? -span : span) : null;
        return new CaptureDate(clock, offset, DateSource.Exif);
    }
}
