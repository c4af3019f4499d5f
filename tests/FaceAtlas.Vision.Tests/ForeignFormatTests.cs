using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>
/// HEIC, AVIF, JPEG XL and camera RAW, each written from a real face photo by a real encoder (Debian's heif-enc and
/// cjxl) or from the DNG layout, decoded in this process by <see cref="MagickDecoder"/>.
/// </summary>
public sealed class ForeignFormatTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>, IDisposable
{
    readonly TempFolder _temp = new();
    static string FacePhoto => Datasets.At("deepface-tests", "person_01", "img1.jpg");

    public void Dispose() => _temp.Dispose();

    FaceObservation OnlyFace(byte[] photo)
    {
        var analysis = fixture.Analyzer.Analyze(photo);
        return Assert.Single(analysis.Faces);
    }

    [MediaFact]
    public void Should_FindTheJpegsFace_When_ThePhotoIsSavedAsHeicAvifJpegXlAndDng()
    {
        // Given the same photo as a JPEG and in each foreign format
        var jpeg = OnlyFace(File.ReadAllBytes(FacePhoto));
        using var bitmap = TestPhotos.DecodeRgba(FacePhoto);
        var files = new Dictionary<string, byte[]>
        {
            ["HEIC"] = MediaTools.Encode(FacePhoto, _temp.File("a.heic")),
            ["AVIF"] = MediaTools.Encode(FacePhoto, _temp.File("a.avif")),
            ["JPEG XL"] = MediaTools.Encode(FacePhoto, _temp.File("a.jxl")),
            ["DNG"] = DngWriter.Write(bitmap),
        };
        foreach (var (name, bytes) in files)
        {
            // When it is decoded and analysed
            Assert.Equal(name, ForeignFormat.Sniff(bytes)?.Name);
            var face = OnlyFace(bytes);

            // Then it is the JPEG's face, where the JPEG has it
            double similarity = FaceEmbedder.Similarity(jpeg.Embedding, face.Embedding);
            Assert.True(similarity > 0.85, $"{name}: similarity to the JPEG's face {similarity:F3}");
            Assert.True(Math.Abs(face.Box.X - jpeg.Box.X) < 25 && Math.Abs(face.Box.Y - jpeg.Box.Y) < 25,
                $"{name}: box at {face.Box.X:F0},{face.Box.Y:F0}, the JPEG's at {jpeg.Box.X:F0},{jpeg.Box.Y:F0}");
        }
    }

    [MediaFact]
    public void Should_DecodeAtTheAskedScale_When_AHeicIsLarge()
    {
        var heic = MediaTools.Encode(FacePhoto, _temp.File("a.heic"));

        using var half = PhotoDecoder.Decode(heic, 0.0, 934);

        Assert.Equal((1382, 1868), (half.Width, half.Height));
        Assert.Equal(934, Math.Max(half.Image.Width, half.Image.Height));
        Assert.Equal(0.5, half.Scale, 2);
        Assert.Equal("HEIC", half.Format);
    }

    [DatasetFact]
    public void Should_TurnTheRawUpright_When_ItsOrientationSaysSo()
    {
        using var upright = TestPhotos.DecodeRgba(FacePhoto);
        using var stored = TestPhotos.StoreForOrientation(upright, 6);

        var dng = DngWriter.Write(stored, orientation: 6);
        var analysis = fixture.Analyzer.Analyze(dng);

        Assert.True(analysis.Height > analysis.Width, $"{analysis.Width}x{analysis.Height}: not turned upright");
        Assert.Single(analysis.Faces);
    }

    [MediaFact]
    public void Should_TurnAHeicByItsExif_When_ItHasNoRotationProperty()
    {
        // Given a JPEG stored turned (EXIF orientation 6), and the HEIC heif-enc makes of it: the same stored pixels and
        // EXIF, no irot (as iPhones on iOS 11 wrote)
        var turned = _temp.File("turned.jpg");
        File.WriteAllBytes(turned, TestPhotos.WithExifOrientation(File.ReadAllBytes(FacePhoto), 6));
        var heic = MediaTools.Encode(turned, _temp.File("turned.heic"));

        var fromJpeg = fixture.Analyzer.Analyze(File.ReadAllBytes(turned));
        var fromHeic = fixture.Analyzer.Analyze(heic);

        // Then both are upright alike, the face in the same place
        Assert.Equal((fromJpeg.Width, fromJpeg.Height), (fromHeic.Width, fromHeic.Height));
        Assert.Equal((1868, 1382), (fromHeic.Width, fromHeic.Height));
        var (a, b) = (Assert.Single(fromJpeg.Faces), Assert.Single(fromHeic.Faces));
        Assert.True(Math.Abs(a.Box.X - b.Box.X) < 25 && Math.Abs(a.Box.Y - b.Box.Y) < 25, $"{a.Box} against {b.Box}");
    }

    [DatasetFact]
    public void Should_UseTheEmbeddedPreview_When_ItIsLargeEnough()
    {
        // Given a raw whose sensor data is a flat grey and whose embedded JPEG is the photo (long side 1868)
        using var photo = TestPhotos.DecodeRgba(FacePhoto);
        using var grey = Flat(photo.Width, photo.Height);
        var dng = DngWriter.Write(grey, previewJpeg: TestPhotos.Jpeg(photo, 90), previewSize: (photo.Width, photo.Height));

        // Then the face is found: it is only in the preview
        Assert.Single(fixture.Analyzer.Analyze(dng).Faces);
    }

    [DatasetFact]
    public void Should_DemosaicTheRawData_When_ThePreviewIsTooSmall()
    {
        // Given a raw whose sensor data is the photo and whose small embedded JPEG is a flat grey
        using var photo = TestPhotos.DecodeRgba(FacePhoto);
        using var grey = Flat(320, 240);
        var dng = DngWriter.Write(photo, previewJpeg: TestPhotos.Jpeg(grey, 90), previewSize: (320, 240));

        // Then the face is found in the raw data, at the sensor's size
        var analysis = fixture.Analyzer.Analyze(dng);
        Assert.Single(analysis.Faces);
        Assert.Equal(photo.Width & ~1, analysis.Width);
    }

    [MediaFact]
    public void Should_SayWhy_When_AForeignPhotoIsBroken()
    {
        var heic = MediaTools.Encode(FacePhoto, _temp.File("a.heic"));

        var truncated = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(heic.AsSpan(0, heic.Length / 2), 1.0));
        Assert.Contains("HEIC", truncated.Message);

        // A header declaring 40,000 x 30,000 pixels is refused before any pixel is decoded.
        var bomb = WithImageSize(heic, 40_000, 30_000);
        var large = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(bomb, 1.0));
        Assert.Contains("too large", large.Message);

        var jxl = MediaTools.Encode(FacePhoto, _temp.File("a.jxl"));
        var cut = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(jxl.AsSpan(0, 4000), 1.0));
        Assert.Contains("JPEG XL", cut.Message);
    }

    [Fact]
    public void Should_TellForeignFormatsFromTheirFirstBytes()
    {
        static byte[] Ftyp(string major, params string[] compatible)
        {
            var brands = string.Concat(compatible);
            var box = new byte[16 + brands.Length];
            box[3] = (byte)box.Length;
            "ftyp"u8.CopyTo(box.AsSpan(4));
            System.Text.Encoding.ASCII.GetBytes(major).CopyTo(box, 8);
            System.Text.Encoding.ASCII.GetBytes(brands).CopyTo(box, 16);
            return [.. box, .. new byte[16]];
        }

        Assert.Equal(ForeignKind.Heif, ForeignFormat.Sniff(Ftyp("heic", "mif1", "heic"))?.Kind);
        Assert.Equal(ForeignKind.Heif, ForeignFormat.Sniff(Ftyp("mif1", "mif1", "heic"))?.Kind);
        Assert.Equal(ForeignKind.Avif, ForeignFormat.Sniff(Ftyp("avif", "mif1", "avif"))?.Kind);
        Assert.Equal(ForeignKind.Avif, ForeignFormat.Sniff(Ftyp("mif1", "mif1", "avif", "miaf"))?.Kind);
        Assert.Equal("CR3", ForeignFormat.Sniff(Ftyp("crx ", "crx ", "isom"))?.Name);
        Assert.Null(ForeignFormat.Sniff(Ftyp("isom", "isom", "mp41"))); // a video, not a photo
        Assert.Equal("RAF", ForeignFormat.Sniff("FUJIFILMCCD-RAW 0201FF383501"u8)?.Name);
        Assert.Equal("RW2", ForeignFormat.Sniff([.. "IIU\0"u8, .. new byte[20]])?.Name);
        Assert.Equal("ORF", ForeignFormat.Sniff([.. "IIRO"u8, .. new byte[20]])?.Name);

        using var small = Flat(32, 32);
        Assert.Null(ForeignFormat.Sniff(TestPhotos.Jpeg(small)));
        Assert.Null(ForeignFormat.Sniff(TiffWriter.Write(small, 1))); // a plain TIFF stays with the baseline reader
        Assert.Equal("DNG", ForeignFormat.Sniff(DngWriter.Write(small))?.Name);
    }

    static SKBitmap Flat(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(128, 128, 128));
        return bitmap;
    }

    /// <summary>The HEIF with its image spatial extents (<c>ispe</c>) saying <paramref name="width"/> x <paramref name="height"/>.</summary>
    static byte[] WithImageSize(byte[] heif, uint width, uint height)
    {
        var copy = heif.ToArray();
        int at = copy.AsSpan().IndexOf("ispe"u8);
        Assert.True(at > 0, "no ispe box");
        // box type, then version and flags (4 bytes), then width and height
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at + 8), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at + 12), height);
        return copy;
    }
}

public sealed class VideoSamplingTests
{
    [Fact]
    public void Should_LookEveryTwoSecondsAndAtMostSixtyTimes()
    {
        Assert.Equal([TimeSpan.FromSeconds(0.75)], VideoSampling.Moments(TimeSpan.FromSeconds(1.5)));
        Assert.Equal([1, 3, 5], VideoSampling.Moments(TimeSpan.FromSeconds(6)).Select(t => t.TotalSeconds));
        var tenHours = VideoSampling.Moments(TimeSpan.FromHours(10));
        Assert.Equal(60, tenHours.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), tenHours[0]);
        Assert.Equal(TimeSpan.FromHours(10) - TimeSpan.FromMinutes(5), tenHours[^1]);
        Assert.Empty(VideoSampling.Moments(TimeSpan.Zero));
    }
}
