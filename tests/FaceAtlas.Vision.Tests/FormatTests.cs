using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>Every format the indexer promises, each file written by the test from a real face photo.</summary>
public sealed class FormatTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    static SKBitmap Face() => TestPhotos.DecodeRgba(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));

    /// <summary>24-bit bottom-up BMP, as Windows writes it.</summary>
    static byte[] Bmp(SKBitmap b)
    {
        int rowBytes = (b.Width * 3 + 3) & ~3, size = 54 + rowBytes * b.Height;
        var file = new byte[size];
        var w = new BinaryWriter(new MemoryStream(file));
        w.Write("BM"u8); w.Write(size); w.Write(0); w.Write(54);
        w.Write(40); w.Write(b.Width); w.Write(b.Height); w.Write((short)1); w.Write((short)24); w.Write(0); w.Write(rowBytes * b.Height);
        w.Write(2835); w.Write(2835); w.Write(0); w.Write(0);
        for (int y = b.Height - 1; y >= 0; y--)
        {
            for (int x = 0; x < b.Width; x++) { var c = b.GetPixel(x, y); w.Write(c.Blue); w.Write(c.Green); w.Write(c.Red); }
            for (int p = b.Width * 3; p < rowBytes; p++) w.Write((byte)0);
        }
        return file;
    }

    /// <summary>
    /// A grey GIF with two frames: the photo, then a flat grey frame. The LZW stream sends a clear code every 254
    /// pixels so every code stays 9 bits wide and is a literal: valid GIF, no compression needed in the test.
    /// </summary>
    static byte[] Gif(SKBitmap b)
    {
        var o = new List<byte>();
        o.AddRange("GIF89a"u8.ToArray());
        o.AddRange([(byte)b.Width, (byte)(b.Width >> 8), (byte)b.Height, (byte)(b.Height >> 8), 0xF7, 0, 0]);
        for (int i = 0; i < 256; i++) o.AddRange([(byte)i, (byte)i, (byte)i]);
        void Frame(Func<int, int, byte> grey)
        {
            o.AddRange([0x2C, 0, 0, 0, 0, (byte)b.Width, (byte)(b.Width >> 8), (byte)b.Height, (byte)(b.Height >> 8), 0, 8]);
            var codes = new List<int>();
            int sinceClear = 0;
            codes.Add(256);
            for (int y = 0; y < b.Height; y++)
                for (int x = 0; x < b.Width; x++)
                {
                    if (sinceClear == 254) { codes.Add(256); sinceClear = 0; }
                    codes.Add(grey(x, y));
                    sinceClear++;
                }
            codes.Add(257);
            var bytes = new List<byte>();
            int acc = 0, bits = 0;
            foreach (var code in codes)
            {
                acc |= code << bits; bits += 9;
                while (bits >= 8) { bytes.Add((byte)acc); acc >>= 8; bits -= 8; }
            }
            if (bits > 0) bytes.Add((byte)acc);
            for (int i = 0; i < bytes.Count; i += 255)
            {
                int n = Math.Min(255, bytes.Count - i);
                o.Add((byte)n);
                o.AddRange(bytes.GetRange(i, n));
            }
            o.Add(0);
        }
        Frame((x, y) => { var c = b.GetPixel(x, y); return (byte)((c.Red * 299 + c.Green * 587 + c.Blue * 114) / 1000); });
        Frame((_, _) => 128);
        o.Add(0x3B);
        return [.. o];
    }

    static byte[] Encode(SKBitmap b, SKEncodedImageFormat format)
    {
        using var data = b.Encode(format, 95);
        return data.ToArray();
    }

    [DatasetTheory]
    [InlineData("BMP")]
    [InlineData("GIF")]
    [InlineData("PNG")]
    [InlineData("WEBP")]
    [InlineData("JPEG")]
    public void Should_FindTheFace_When_PhotoIsInAnySupportedFormat(string format)
    {
        // Given: the same photo in each format
        using var face = Face();
        var bytes = format switch
        {
            "BMP" => Bmp(face),
            "GIF" => Gif(face),
            "PNG" => Encode(face, SKEncodedImageFormat.Png),
            "WEBP" => Encode(face, SKEncodedImageFormat.Webp),
            _ => Encode(face, SKEncodedImageFormat.Jpeg),
        };
        var reference = fixture.Analyzer.Analyze(Encode(face, SKEncodedImageFormat.Png)).Faces.MaxBy(f => f.Box.Area)!;

        // When
        var analysis = fixture.Analyzer.Analyze(bytes);

        // Then: decoded as that format, and the same face found (a GIF is grey, and its first frame is the photo)
        Assert.Equal(format, analysis.Format);
        var found = analysis.Faces.MaxBy(f => f.Box.IoU(reference.Box))!;
        Assert.True(found.Box.IoU(reference.Box) > 0.8, $"{format}: box {found.Box} vs {reference.Box}");
        Assert.True(FaceEmbedder.Similarity(found.Embedding, reference.Embedding) > (format == "GIF" ? 0.8 : 0.95));
    }
}
