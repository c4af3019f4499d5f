using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>
/// Inputs afl-fuzz found to escape the decoder with an exception other than <see cref="PhotoDecodeException"/>
/// (fuzz/run.sh photo; docs/RELIABILITY.md), rebuilt here from what made them fail, so they stay fixed.
/// </summary>
public sealed class FuzzFindingsTests
{
    static byte[] Tiff(ushort compression)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(32, 24, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.Teal);
        return TiffWriter.Write(bitmap, compression);
    }

    [Fact]
    public void Should_SayCorrupt_When_TiffHasNoStripOffsets()
    {
        // Found as KeyNotFoundException: the StripOffsets tag (273) renamed by a flipped bit.
        var tiff = Tiff(1);
        int entry = Enumerable.Range(0, 10).Select(i => 10 + 12 * i).Single(e => BitConverter.ToUInt16(tiff, e) == 273);
        tiff[entry + 1] ^= 0x40;

        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(tiff));

        Assert.Contains("no strip offsets", e.Message);
    }

    [Fact]
    public void Should_SayCorrupt_When_DeflateStripAsksForAPresetDictionary()
    {
        // Found as ZLibException: zlib header 78 20 (FDICT set, check bits still valid) makes zlib ask for a dictionary.
        var tiff = Tiff(8);
        int strip = 8 + 2 + 12 * 10 + 4; // TiffWriter's layout: the strip follows the one IFD
        Assert.Equal(0x78, tiff[strip]);
        tiff[strip + 1] = 0x20;

        var e = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(tiff));

        Assert.Contains("corrupt TIFF", e.Message);
    }
}
