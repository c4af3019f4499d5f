using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

public sealed class TiffTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    [DatasetTheory]
    [InlineData((ushort)1, false)]
    [InlineData((ushort)1, true)]
    [InlineData((ushort)5, false)]
    [InlineData((ushort)5, true)]
    [InlineData((ushort)8, false)]
    [InlineData((ushort)32773, false)]
    public void Should_DecodeExactPixels_When_PhotoIsTiff(ushort compression, bool bigEndian)
    {
        using var source = TestPhotos.DecodeRgba(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));

        using var photo = PhotoDecoder.Decode(TiffWriter.Write(source, compression, bigEndian));

        Assert.Equal("TIFF", photo.Format);
        Assert.Equal((source.Width, source.Height), (photo.Width, photo.Height));
        for (int y = 0; y < source.Height; y += 7)
            for (int x = 0; x < source.Width; x += 5)
            {
                var c = source.GetPixel(x, y);
                int p = y * photo.Image.RowBytes + x * 4;
                Assert.Equal((c.Red, c.Green, c.Blue), (photo.Image.Pixels[p], photo.Image.Pixels[p + 1], photo.Image.Pixels[p + 2]));
            }
    }

    [DatasetFact]
    public void Should_FindTheFaceUpright_When_TiffHasOrientation()
    {
        using var upright = TestPhotos.DecodeRgba(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));
        using var stored = TestPhotos.StoreForOrientation(upright, 8);

        var a = fixture.Analyzer.Analyze(TiffWriter.Write(upright, 1));
        var b = fixture.Analyzer.Analyze(TiffWriter.Write(stored, 1, orientation: 8));

        var face = a.Faces.MaxBy(f => f.Box.Area)!;
        var twin = b.Faces.MaxBy(f => f.Box.IoU(face.Box))!;
        Assert.True(twin.Box.IoU(face.Box) > 0.8);
        Assert.True(FaceEmbedder.Similarity(face.Embedding, twin.Embedding) > 0.95);
    }

    [Fact]
    public void Should_ReportTruncation_When_TiffStripIsCut()
    {
        using var bitmap = new SKBitmap(64, 64);
        bitmap.Erase(SKColors.Coral);
        var tiff = TiffWriter.Write(bitmap, 1);

        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(tiff.AsSpan(0, tiff.Length - 500)));

        Assert.Contains("truncated", e.Message);
    }
}
