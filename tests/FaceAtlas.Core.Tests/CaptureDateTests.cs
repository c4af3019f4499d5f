using System.Text;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// A photo's date as the catalog keeps it (written as <c>Text</c> and <c>SourceName</c>, read back with <c>Parse</c>),
/// the XMP dates, and the order the sources are tried in: EXIF, XMP, the file's name, the file's last write.
/// </summary>
public sealed class CaptureDateTests
{
    static readonly DateTime Now = new(2026, 12, 4, 12, 0, 0);

    public static TheoryData<string, string> Stored => new()
    {
        { "2019-07-04T15:30:00+02:00", "exif" },
        { "2019-07-04T15:30:00", "exif" },
        { "2019-07-04T15:30:00-07:00", "xmp" },
        { "2019-07-04", "xmp" },
        { "2019-07-04T15:30:00+00:00", "video" },
        { "2019-07-04T15:30:00", "filename" },
        { "2019-07-04T15:30:00+00:00", "filename" },
        { "2019-07-04", "filename" },
        { "2026-12-04T09:12:44+01:00", "file" },
    };

    [Theory]
    [MemberData(nameof(Stored))]
    public void Should_ReadBackWhatItWrote_When_Stored(string text, string source)
    {
        // When
        var date = CaptureDate.Parse(text, source);

        // Then
        Assert.NotNull(date);
        Assert.Equal(text, date.Value.Text);
        Assert.Equal(source, date.Value.SourceName);
        Assert.Equal(date, CaptureDate.Parse(date.Value.Text, date.Value.SourceName));
    }

    [Fact]
    public void Should_KeepADayADay_When_OnlyTheDayIsKnown()
    {
        var day = CaptureDate.Day(new DateOnly(2019, 7, 4), DateSource.FileName);

        Assert.True(day.DayOnly);
        Assert.Null(day.Offset);
        Assert.Equal("2019-07-04", day.Text);
        Assert.NotEqual(day, new CaptureDate(new DateTime(2019, 7, 4), null, DateSource.FileName)); // not a photo at midnight
    }

    [Theory]
    [InlineData("2019-07-04T15:30:00+02:00", "2019-07-04T15:30:00+02:00")]
    [InlineData("2019-07-04T15:30:00.123-05:00", "2019-07-04T15:30:00-05:00")]
    [InlineData("2019-07-04T15:30:00Z", "2019-07-04T15:30:00+00:00")]
    [InlineData("2019-07-04T15:30:00", "2019-07-04T15:30:00")]
    [InlineData("2019-07-04T15:30", "2019-07-04T15:30:00")]
    [InlineData("2019-07-04T15:30+0530", "2019-07-04T15:30:00+05:30")]
    [InlineData(" 2019-07-04T15:30:00+02:00 ", "2019-07-04T15:30:00+02:00")]
    [InlineData("2019-07-04", "2019-07-04")]
    [InlineData("1925-06-01", "1925-06-01")] // a scanned print
    [InlineData("2024-04-22T14:38:09.526GMT+02:00", "2024-04-22T14:38:09+02:00")] // as Apple Vision Pro writes it
    [InlineData("2019", null)]
    [InlineData("2019-07", null)]
    [InlineData("2019-02-30", null)]
    [InlineData("2019-07-04T24:00:00", null)]
    [InlineData("2019-07-04T15:30:00+15:00", null)]
    [InlineData("2019:07:04 15:30:00", null)]
    [InlineData("1700-01-01", null)]
    [InlineData("2099-01-01T00:00:00", null)]
    [InlineData("yesterday", null)]
    [InlineData("", null)]
    public void Should_ReadAnXmpDate_When_ItIsIso8601ToTheDayOrBetter(string text, string? expected)
    {
        var date = XmpDates.Parse(text, Now);

        Assert.Equal(expected, date?.Text);
        if (date is { } d) Assert.Equal(DateSource.Xmp, d.Source);
    }

    const string Captured = "<photoshop:DateCreated>2018-05-06T07:08:09+03:00</photoshop:DateCreated>";
    const string Digitised = "<xmp:CreateDate>2001-01-01T10:00:00</xmp:CreateDate>";

    [Theory]
    // EXIF first, whatever else the photo says
    [InlineData(true, Captured, "IMG_20190704_153000.jpg", "2017-01-02T03:04:05", "exif")]
    // XMP's date of capture before its date of digitising, and before the name
    [InlineData(false, Digitised + Captured, "IMG_20190704_153000.jpg", "2018-05-06T07:08:09+03:00", "xmp")]
    [InlineData(false, Digitised, "IMG_20190704_153000.jpg", "2001-01-01T10:00:00", "xmp")]
    // Not the XMP's date of the last edit, nor a date too vague to place a photo
    [InlineData(false, "<xmp:ModifyDate>2001-01-01T10:00:00</xmp:ModifyDate>", "IMG_20190704_153000.jpg", "2019-07-04T15:30:00", "filename")]
    [InlineData(false, "<photoshop:DateCreated>2019</photoshop:DateCreated>", "IMG_20190704_153000.jpg", "2019-07-04T15:30:00", "filename")]
    // The name when the photo says nothing
    [InlineData(false, null, "IMG_20190704_153000.jpg", "2019-07-04T15:30:00", "filename")]
    [InlineData(false, null, "PXL_20190704_153000123.jpg", "2019-07-04T15:30:00+00:00", "filename")]
    [InlineData(false, null, "IMG-20190704-WA0001.jpg", "2019-07-04", "filename")]
    public void Should_DateAPhoto_When_ItsSourcesAreTriedInOrder(bool exif, string? xmp, string name, string expected, string source)
    {
        // Given: a photo with the EXIF DateTimeOriginal 2017:01:02 03:04:05 (or none) and the XMP given (or none)
        var jpeg = Jpeg(exif, xmp);

        // When
        var date = CaptureDates.Read(CaptureDates.Metadata(jpeg), new PhotoFile($"/photos/{name}", jpeg.Length, DateTime.UtcNow.Ticks));

        // Then
        Assert.Equal((expected, source), (date.Text, date.SourceName));
    }

    [Fact]
    public void Should_DateAPhotoByItsFile_When_NothingElseSays()
    {
        var jpeg = Jpeg(exif: false, xmp: null);
        long written = new DateTime(2026, 12, 4, 9, 12, 44, DateTimeKind.Utc).Ticks;

        var date = CaptureDates.Read(CaptureDates.Metadata(jpeg), new PhotoFile("/photos/IMG_1234.JPG", jpeg.Length, written));

        Assert.Equal(CaptureDate.FromFile(written), date);
        Assert.Equal("file", date.SourceName);
    }

    /// <summary>
    /// The smallest JPEG MetadataExtractor reads: start, an EXIF segment with DateTimeOriginal when asked, an XMP
    /// packet holding <paramref name="xmp"/> when given, end. No pixels: nothing decodes it.
    /// </summary>
    static byte[] Jpeg(bool exif, string? xmp)
    {
        var jpeg = new List<byte> { 0xFF, 0xD8 };
        if (exif)
        {
            byte[] date = [.. "2017:01:02 03:04:05"u8, 0];
            byte[] tiff =
            [
                (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,                 // little-endian TIFF, IFD0 at 8
                1, 0, 0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0,        // one entry: the Exif IFD at 26
                0, 0, 0, 0,                                              // no next IFD
                1, 0, 0x03, 0x90, 2, 0, 20, 0, 0, 0, 44, 0, 0, 0,       // Exif IFD: DateTimeOriginal, ASCII 20 at 44
                0, 0, 0, 0,
                .. date,
            ];
            Segment(jpeg, 0xE1, [.. "Exif\0\0"u8, .. tiff]);
        }
        if (xmp is not null)
        {
            var packet = $"""
                <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
                {xmp}
                </rdf:Description></rdf:RDF></x:xmpmeta>
                """;
            Segment(jpeg, 0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. Encoding.UTF8.GetBytes(packet)]);
        }
        jpeg.AddRange([0xFF, 0xD9]);
        return [.. jpeg];
    }

    static void Segment(List<byte> jpeg, byte marker, byte[] content)
    {
        jpeg.AddRange([0xFF, marker, (byte)((content.Length + 2) >> 8), (byte)(content.Length + 2)]);
        jpeg.AddRange(content);
    }
}
