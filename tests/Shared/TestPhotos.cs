using SkiaSharp;

namespace FaceAtlas.Testing;

/// <summary>Photos made by the tests themselves (rotated copies, broken files), never committed.</summary>
public static class TestPhotos
{
    /// <summary>Encodes RGBA pixels as a JPEG; with <paramref name="exifOrientation"/> an EXIF block saying so is added.</summary>
    public static byte[] Jpeg(SKBitmap bitmap, int quality = 95, int? exifOrientation = null)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        var jpeg = data.ToArray();
        return exifOrientation is { } o ? WithExifOrientation(jpeg, o) : jpeg;
    }

    /// <summary>Inserts an APP1 Exif segment holding only the Orientation tag (0x0112) right after the SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,    // little-endian TIFF header, IFD0 at offset 8
            1, 0,                                        // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0,                                  // no next IFD
        ];
        return HostileFiles.WithExif(jpeg, tiff);
    }

    /// <summary>
    /// The stored pixels of a photo whose upright view is <paramref name="upright"/> under an EXIF orientation,
    /// written from the definitions of EXIF 2.3 (where row 0 and column 0 of the stored image are seen).
    /// </summary>
    public static SKBitmap StoreForOrientation(SKBitmap upright, int orientation)
    {
        int W = upright.Width, H = upright.Height;
        bool swap = orientation >= 5;
        var stored = new SKBitmap(new SKImageInfo(swap ? H : W, swap ? W : H, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int v = 0; v < H; v++)
            for (int u = 0; u < W; u++)
            {
                var (xs, ys) = orientation switch
                {
                    1 => (u, v),
                    2 => (W - 1 - u, v),
                    3 => (W - 1 - u, H - 1 - v),
                    4 => (u, H - 1 - v),
                    5 => (v, u),             // row 0 = visual left, column 0 = visual top
                    6 => (v, W - 1 - u),     // row 0 = visual right, column 0 = visual top
                    7 => (H - 1 - v, W - 1 - u), // row 0 = visual right, column 0 = visual bottom
                    8 => (H - 1 - v, u),     // row 0 = visual left, column 0 = visual bottom
                    _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
                };
                stored.SetPixel(xs, ys, upright.GetPixel(u, v));
            }
        return stored;
    }

    public static SKBitmap DecodeRgba(string path)
    {
        using var original = SKBitmap.Decode(path) ?? throw new InvalidDataException($"cannot decode {path}");
        return original.Copy(SKColorType.Rgba8888);
    }

    /// <summary>A PNG header declaring <paramref name="width"/> x <paramref name="height"/> pixels, with a valid CRC, and no image data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        HostileFiles.Chunk(png, "IHDR"u8, ihdr);
        HostileFiles.Chunk(png, "IDAT"u8, []);
        return png.ToArray();
    }

    /// <summary>A tiny valid PNG of the given size.</summary>
    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Gray);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes every kind of bad input the indexer must report and skip; returns file name → expected reason fragment.</summary>
    public static Dictionary<string, string> WriteBadInputs(string folder, string realJpeg)
    {
        var jpeg = File.ReadAllBytes(realJpeg);
        var rng = new Random(7);
        var random = new byte[4096];
        rng.NextBytes(random);
        var cases = new Dictionary<string, (byte[] Bytes, string Reason)>
        {
            ["zero-bytes.jpg"] = ([], "empty file"),
            ["truncated.jpg"] = (jpeg[..(jpeg.Length * 6 / 10)], "truncated"),
            ["random-bytes.png"] = (random, "not an image"),
            ["text.jpg"] = ("this is not a photo, just some text\n"u8.ToArray(), "not an image"),
            ["one-pixel.png"] = (Png(1, 1), "too small"),
            ["huge-declared.png"] = (PngHeaderOnly(50_000, 50_000), "too large"),
        };
        foreach (var (name, (bytes, _)) in cases)
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        return cases.ToDictionary(c => c.Key, c => c.Value.Reason);
    }
}
