using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

public sealed class DecodeTests
{
    [DatasetFact]
    public void Should_DecodeByContent_When_WebpIsNamedJpg()
    {
        var photo = PhotoDecoder.Decode(File.ReadAllBytes(Datasets.At("deepface-tests", "person_03", "img47.jpg")));

        using (photo)
        {
            Assert.Equal("WEBP", photo.Format);
            Assert.True(photo.Width > 100 && photo.Height > 100);
        }
    }

    [DatasetTheory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Should_ApplyExifOrientation_When_Decoding(int orientation)
    {
        // Given: a photo's upright pixels, stored as EXIF orientation N says, in a JPEG tagged N
        using var upright = TestPhotos.DecodeRgba(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));
        using var uprightJpeg = SKBitmap.Decode(TestPhotos.Jpeg(upright, 100));
        using var stored = TestPhotos.StoreForOrientation(upright, orientation);
        var jpeg = TestPhotos.Jpeg(stored, 100, orientation);

        // When
        using var photo = PhotoDecoder.Decode(jpeg);

        // Then: the decoded image is the upright view, pixel for pixel up to JPEG noise
        Assert.Equal((upright.Width, upright.Height), (photo.Width, photo.Height));
        Assert.Equal((upright.Width, upright.Height), (photo.Image.Width, photo.Image.Height));
        double diff = MeanAbsoluteDifference(uprightJpeg, photo.Image);
        Assert.True(diff < 4, $"orientation {orientation}: mean difference {diff:F1} from the upright photo");
    }

    [Theory]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { 0x54, 0x65, 0x78, 0x74, 0x20, 0x6e, 0x6f, 0x74, 0x20, 0x61, 0x20, 0x70, 0x68, 0x6f, 0x74, 0x6f }, "not an image")]
    public void Should_GiveSpecificReason_When_BytesAreNotAPhoto(byte[] bytes, string reason)
    {
        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(bytes));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Should_RefuseWithoutAllocating_When_ImageDeclaresHugeDimensions()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(TestPhotos.PngHeaderOnly(50_000, 50_000)));

        Assert.Contains("too large", e.Message);
        Assert.Contains("50000x50000", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000);
    }

    [Fact]
    public void Should_Refuse_When_ImageIsOnePixel()
    {
        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(TestPhotos.Png(1, 1)));
        Assert.Contains("too small: 1x1", e.Message);
    }

    [DatasetFact]
    public void Should_ReportTruncation_When_JpegIsCut()
    {
        var jpeg = File.ReadAllBytes(Datasets.At("deepface-tests", "person_01", Directory.GetFiles(Datasets.At("deepface-tests", "person_01"), "*.jpg").Select(Path.GetFileName).First()!));

        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2)));

        Assert.Contains("truncated", e.Message);
    }

    [DatasetFact]
    public void Should_DecodeAtReducedScale_When_FewerPixelsAreEnough()
    {
        var path = Directory.GetFiles(Datasets.At("deepface-tests"), "*.jpg", SearchOption.AllDirectories)
            .Select(p => (Path: p, Info: SKBitmap.DecodeBounds(p))).Where(p => p.Info.Width >= 2000).First().Path;

        using var half = PhotoDecoder.Decode(File.ReadAllBytes(path), 0.5);

        Assert.InRange(half.Scale, 0.5, 0.75);
        Assert.InRange(half.Image.Width, (int)(half.Width * half.Scale) - 1, (int)(half.Width * half.Scale) + 1);
    }

    static double MeanAbsoluteDifference(SKBitmap expected, PixelImage actual)
    {
        var px = actual.Pixels;
        long sum = 0;
        for (int y = 0; y < expected.Height; y++)
            for (int x = 0; x < expected.Width; x++)
            {
                var c = expected.GetPixel(x, y);
                int p = y * actual.RowBytes + x * 4;
                sum += Math.Abs(c.Red - px[p]) + Math.Abs(c.Green - px[p + 1]) + Math.Abs(c.Blue - px[p + 2]);
            }
        return sum / (3.0 * expected.Width * expected.Height);
    }
}
