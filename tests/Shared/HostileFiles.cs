using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace FaceAtlas.Testing;

/// <summary>
/// Files that lie about themselves, made from one real photo at run time (nothing committed): headers declaring
/// other dimensions than their data holds in every format, decompression bombs, hostile EXIF blocks. Each case says
/// what indexing must make of it: a reason to report, or <c>null</c> when the photo is fine and must be indexed.
/// </summary>
public static class HostileFiles
{
    /// <summary>A file; <paramref name="Reason"/> null means it is a photo to index, with a face where <paramref name="HasFace"/>.</summary>
    public sealed record Case(string Name, byte[] Bytes, string? Reason, bool HasFace = true);

    /// <summary>The corpus, from the bytes of a real JPEG of a face (its data stays valid where a case says "indexed").</summary>
    public static IReadOnlyList<Case> Make(byte[] jpeg)
    {
        // Without a colour space (no ICC profile to embed), so that the WebP encoder writes a plain lossy VP8 chunk.
        using var codec = SKCodec.Create(new MemoryStream(jpeg));
        using var photo = SKBitmap.Decode(jpeg, new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var png = Encode(photo, SKEncodedImageFormat.Png);
        var webp = Encode(photo, SKEncodedImageFormat.Webp);
        var tiff = TiffWriter.Write(photo, compression: 1);
        return
        [
            // Lying headers: more pixels declared than any photo has, or than the data holds.
            new("jpeg-declares-65000x65000.jpg", WithJpegSize(jpeg, 65000, 65000), "too large"),
            // libjpeg reads the 250x250 photo's data as the top of a 6000x4000 one and fills the rest: a photo, no face.
            new("jpeg-declares-6000x4000.jpg", WithJpegSize(jpeg, 6000, 4000), null, HasFace: false),
            new("jpeg-declares-0x0.jpg", WithJpegSize(jpeg, 0, 0), "damaged image header"),
            new("png-declares-6000x6000.png", WithPngSize(png, 6000, 6000), "corrupt image data"),
            new("png-declares-2147483647-wide.png", WithPngSize(png, int.MaxValue, 16), "truncated image header"),
            new("webp-declares-16383x16383.webp", WithWebpSize(webp, 16383, 16383), "too large"),
            new("webp-declares-5000x5000.webp", WithWebpSize(webp, 5000, 5000), "corrupt image data"),
            new("gif-screen-65535x65535.gif", Gif(65535, 65535, 1, 1), "too large"),
            new("gif-frame-larger-than-screen.gif", Gif(64, 64, 5000, 5000), "corrupt image data"),
            new("bmp-declares-100000x100000.bmp", Bmp(100_000, 100_000, 64), "damaged image header"),
            new("bmp-declares-5000x5000.bmp", Bmp(5000, 5000, 64), "truncated image data"),
            new("bmp-zero-bits-a-pixel.bmp", Bmp(64, 64, 64, bitsPerPixel: 0), "damaged image header"),
            new("tiff-declares-1000000x1000000.tif", WithTiffTag(tiff, 256, 1_000_000, 257, 1_000_000), "too large"),
            new("tiff-declares-5000x5000.tif", WithTiffTag(tiff, 256, 5000, 257, 5000), "truncated image data"),
            new("tiff-strip-beyond-end.tif", WithTiffTag(tiff, 273, 0x7FFF_0000, 273, 0x7FFF_0000), "truncated image data"),
            new("tiff-first-ifd-beyond-end.tif", WithTiffIfdOffset(tiff, 0xFFFF_FFF0), "corrupt TIFF data"),
            // Decompression bombs: small files, huge images.
            new("bomb-20000x20000.png", GreyPngOfZeros(20_000, 20_000), "too large"),
            new("bomb-7000x7000.png", GreyPngOfZeros(7000, 7000), "too large to decode"),
            // Hostile EXIF: the picture is fine, so it is indexed; the metadata is ignored where it makes no sense.
            new("exif-ifd-beyond-segment.jpg", WithExif(jpeg, ExifIfdAt(0xFFFF_FFF0)), null),
            new("exif-65535-entries.jpg", WithExif(jpeg, ExifEntryCount(0xFFFF)), null),
            new("exif-orientation-65535.jpg", WithExif(jpeg, ExifOrientation(0xFFFF)), null),
            new("exif-ifd-points-at-itself.jpg", WithExif(jpeg, ExifNextIfdLoop()), null),
            new("exif-value-offset-beyond-segment.jpg", WithExif(jpeg, ExifFarValue()), null),
        ];
    }

    static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var data = bitmap.Encode(format, 80);
        return data.ToArray();
    }

    /// <summary>The first start-of-frame marker's height and width replaced.</summary>
    public static byte[] WithJpegSize(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < copy.Length;)
        {
            if (copy[i] != 0xFF) throw new InvalidDataException("not a JPEG marker");
            byte marker = copy[i + 1];
            int length = (copy[i + 2] << 8) | copy[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                return copy;
            }
            i += 2 + length;
        }
        throw new InvalidDataException("no start-of-frame marker");
    }

    /// <summary>IHDR's width and height replaced, its CRC made right again (a careless writer, not a damaged file).</summary>
    public static byte[] WithPngSize(byte[] png, int width, int height)
    {
        var copy = (byte[])png.Clone();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    /// <summary>A lossy WebP's VP8 frame header (14 bits a side) replaced.</summary>
    public static byte[] WithWebpSize(byte[] webp, int width, int height)
    {
        if (!webp.AsSpan(12, 4).SequenceEqual("VP8 "u8) || webp[23] != 0x9D || webp[24] != 0x01 || webp[25] != 0x2A)
            throw new InvalidDataException("expected a simple lossy WebP (VP8 chunk first)");
        var copy = (byte[])webp.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(26), (ushort)(width & 0x3FFF));
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(28), (ushort)(height & 0x3FFF));
        return copy;
    }

    /// <summary>A two-colour GIF89a: a logical screen and one frame of the given sizes, with a 2x2 pixel LZW stream.</summary>
    public static byte[] Gif(int screenWidth, int screenHeight, int frameWidth, int frameHeight)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        void U16(int v) { gif.Add((byte)v); gif.Add((byte)(v >> 8)); }
        U16(screenWidth); U16(screenHeight);
        gif.AddRange([0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0]); // global table of 2 colours
        gif.Add(0x2C); U16(0); U16(0); U16(frameWidth); U16(frameHeight); gif.Add(0);
        gif.AddRange([2, 2, 0x44, 0x01, 0, 0x3B]); // LZW minimum code size 2, one sub-block, trailer
        return [.. gif];
    }

    /// <summary>A 24-bit BMP whose header declares <paramref name="width"/> x <paramref name="height"/> but holds <paramref name="dataBytes"/>.</summary>
    public static byte[] Bmp(int width, int height, int dataBytes, int bitsPerPixel = 24)
    {
        var bmp = new byte[54 + dataBytes];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), (short)bitsPerPixel);
        for (int i = 54; i < bmp.Length; i++) bmp[i] = (byte)(i * 7);
        return bmp;
    }

    /// <summary>Two entries of the first IFD (LONG or SHORT values) replaced; <see cref="TiffWriter"/>'s layout.</summary>
    public static byte[] WithTiffTag(byte[] tiff, ushort tagA, uint valueA, ushort tagB, uint valueB)
    {
        var copy = (byte[])tiff.Clone();
        int count = BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(8));
        for (int i = 0; i < count; i++)
        {
            int e = 10 + 12 * i;
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(e));
            if (tag != tagA && tag != tagB) continue;
            uint value = tag == tagA ? valueA : valueB;
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(e + 2), 4);
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(e + 8), value);
        }
        return copy;
    }

    public static byte[] WithTiffIfdOffset(byte[] tiff, uint offset)
    {
        var copy = (byte[])tiff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(4), offset);
        return copy;
    }

    /// <summary>An 8-bit grey PNG of zeros: a few hundred kilobytes that would decode to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] GreyPngOfZeros(int width, int height)
    {
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1]; // filter byte and pixels, all zero
            for (int y = 0; y < height; y++) z.Write(row);
        }
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // 8 bits, grey (colour type 0)
        Chunk(png, "IHDR"u8, ihdr);
        Chunk(png, "IDAT"u8, idat.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    /// <summary>One PNG chunk: length, type, data, CRC.</summary>
    internal static void Chunk(Stream png, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        png.Write(u32);
        var typed = new byte[4 + data.Length];
        type.CopyTo(typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(u32, Crc32(typed));
        png.Write(u32);
    }

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    // EXIF blocks: a little-endian TIFF structure after "Exif\0\0", each broken in one way.
    static byte[] ExifIfdAt(uint offset) => [(byte)'I', (byte)'I', 42, 0, .. U32(offset)];

    static byte[] ExifEntryCount(ushort count) => [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, .. U16(count), 0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0];

    static byte[] ExifOrientation(ushort value) =>
        [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, .. U16(value), 0, 0, 0, 0, 0, 0];

    static byte[] ExifNextIfdLoop() =>
        [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, .. U32(8)];

    static byte[] ExifFarValue() => // an ASCII Make of 0x7FFFFFFF bytes stored "elsewhere"
        [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x0F, 0x01, 2, 0, .. U32(0x7FFF_FFFF), .. U32(0x7FFF_FFF0), 0, 0, 0, 0];

    static byte[] U16(ushort v) => [(byte)v, (byte)(v >> 8)];

    static byte[] U32(uint v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)];

    /// <summary>An APP1 Exif segment holding <paramref name="tiff"/>, right after the SOI marker.</summary>
    public static byte[] WithExif(byte[] jpeg, byte[] tiff)
    {
        byte[] exif = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = exif.Length + 2;
        return [jpeg[0], jpeg[1], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif, .. jpeg.AsSpan(2).ToArray()];
    }
}
