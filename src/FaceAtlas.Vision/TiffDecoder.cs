using System.Buffers.Binary;
using System.IO.Compression;
using FaceAtlas.Core.Faces;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// Baseline TIFF, which Skia does not read: the first image, in strips, 8 bits a sample, grey or RGB (with or
/// without alpha), chunky, uncompressed or compressed with LZW, Deflate or PackBits, with or without the
/// horizontal predictor; the Orientation tag is applied. Anything else is refused with the reason.
/// </summary>
internal static class TiffDecoder
{
    public static bool IsTiff(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42));

    public static DecodedPhoto Decode(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        try
        {
            return DecodeChecked(data, limits);
        }
        // zlib's other complaints than bad data (a stream asking for a preset dictionary, found by fuzzing) are IOExceptions.
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidDataException or OverflowException
                                      or IOException)
        {
            throw new PhotoDecodeException("corrupt TIFF data");
        }
    }

    static DecodedPhoto DecodeChecked(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        bool little = data[0] == 'I';
        if (data.Length < 8) throw new PhotoDecodeException("truncated image header");
        var tags = ReadIfd(data, little, (int)U32(data, 4, little));
        int width = (int)Tag(tags, 256), height = (int)Tag(tags, 257);
        PhotoDecoder.CheckDimensions(width, height, limits);
        if ((long)width * height > limits.MaxDecodedPixels)
            throw new PhotoDecodeException($"image too large to decode: {width}x{height} (limit {limits.MaxDecodedPixels / 1_000_000} MP decoded)");
        int samples = (int)Tag(tags, 277, 1);
        int compression = (int)Tag(tags, 259, 1), photometric = (int)Tag(tags, 262, 1), predictor = (int)Tag(tags, 317, 1);
        if (tags.ContainsKey(322)) throw new PhotoDecodeException("tiled TIFF is not supported");
        if (Tag(tags, 284, 1) != 1) throw new PhotoDecodeException("planar TIFF is not supported");
        if (tags.TryGetValue(258, out var bits) && bits.Any(b => b != 8))
            throw new PhotoDecodeException($"TIFF with {bits[0]} bits a sample is not supported (8 only)");
        if (samples is < 1 or > 4 || (photometric == 2 && samples < 3) || photometric is not (0 or 1 or 2))
            throw new PhotoDecodeException($"TIFF colour layout not supported (photometric {photometric}, {samples} samples)");

        int rowBytes = width * samples;
        var pixels = new byte[(long)rowBytes * height];
        var offsets = tags.TryGetValue(273, out var stripOffsets) ? stripOffsets : throw new PhotoDecodeException("corrupt TIFF: no strip offsets");
        var counts = tags.TryGetValue(279, out var c) ? c : throw new PhotoDecodeException("corrupt TIFF: no strip sizes");
        int rowsPerStrip = (int)Math.Min(Tag(tags, 278, (uint)height), (uint)height);
        int written = 0;
        for (int s = 0; s < offsets.Length && written < pixels.Length; s++)
        {
            if (offsets[s] + (long)counts[s] > data.Length) throw new PhotoDecodeException("truncated image data (TIFF strip beyond end of file)");
            var strip = data.Slice((int)offsets[s], (int)counts[s]);
            int expected = Math.Min(rowsPerStrip * rowBytes, pixels.Length - written);
            var target = pixels.AsSpan(written, expected);
            int got = compression switch
            {
                1 => Copy(strip, target),
                5 => Lzw(strip, target),
                8 or 32946 => Inflate(strip, target),
                32773 => PackBits(strip, target),
                _ => throw new PhotoDecodeException($"TIFF compression {compression} is not supported"),
            };
            if (got < expected) throw new PhotoDecodeException("truncated image data (TIFF strip shorter than its rows)");
            written += expected;
        }
        if (written < pixels.Length) throw new PhotoDecodeException("truncated image data (TIFF has fewer rows than it declares)");
        if (predictor == 2)
            for (int y = 0; y < height; y++)
                for (int x = samples; x < rowBytes; x++)
                    pixels[y * rowBytes + x] += pixels[y * rowBytes + x - samples];

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * rowBytes + x * samples, o = y * bitmap.RowBytes + x * 4;
                byte r, g, b;
                if (samples >= 3) { r = pixels[i]; g = pixels[i + 1]; b = pixels[i + 2]; }
                else { r = g = b = photometric == 0 ? (byte)(255 - pixels[i]) : pixels[i]; }
                dst[o] = r; dst[o + 1] = g; dst[o + 2] = b; dst[o + 3] = 255;
            }
        var origin = (SKEncodedOrigin)Math.Clamp((int)Tag(tags, 274, 1), 1, 8);
        var upright = PhotoDecoder.Orient(bitmap, origin);
        if (!ReferenceEquals(upright, bitmap)) bitmap.Dispose();
        return new DecodedPhoto(new PixelImage(upright), upright.Width, upright.Height, 1.0, "TIFF");
    }

    static Dictionary<ushort, uint[]> ReadIfd(ReadOnlySpan<byte> d, bool little, int offset)
    {
        int count = U16(d, offset, little);
        var tags = new Dictionary<ushort, uint[]>();
        for (int i = 0; i < count; i++)
        {
            int e = offset + 2 + 12 * i;
            ushort tag = U16(d, e, little), type = U16(d, e + 2, little);
            uint n = U32(d, e + 4, little);
            int size = type switch { 3 => 2, 4 => 4, 1 => 1, _ => 0 };
            if (size == 0 || n > 1_000_000) continue; // types the baseline tags we read never use
            int at = size * n <= 4 ? e + 8 : (int)U32(d, e + 8, little);
            var values = new uint[n];
            for (int k = 0; k < n; k++)
                values[k] = size switch { 1 => d[at + k], 2 => U16(d, at + 2 * k, little), _ => U32(d, at + 4 * k, little) };
            tags[tag] = values;
        }
        return tags;
    }

    static uint Tag(Dictionary<ushort, uint[]> tags, ushort tag, uint? fallback = null) =>
        tags.TryGetValue(tag, out var v) && v.Length > 0 ? v[0]
        : fallback ?? throw new PhotoDecodeException($"corrupt TIFF: required tag {tag} missing");

    static ushort U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    static uint U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    static int Copy(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n = Math.Min(src.Length, dst.Length);
        src[..n].CopyTo(dst);
        return n;
    }

    static int Inflate(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        using var z = new ZLibStream(new MemoryStream(src.ToArray()), CompressionMode.Decompress);
        int total = 0, read;
        while (total < dst.Length && (read = z.Read(dst[total..])) > 0) total += read;
        return total;
    }

    static int PackBits(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int i = 0, o = 0;
        while (i < src.Length && o < dst.Length)
        {
            sbyte n = (sbyte)src[i++];
            if (n >= 0)
            {
                int len = Math.Min(n + 1, Math.Min(src.Length - i, dst.Length - o));
                src.Slice(i, len).CopyTo(dst[o..]);
                i += n + 1; o += len;
            }
            else if (n != -128 && i < src.Length)
            {
                int len = Math.Min(1 - n, dst.Length - o);
                dst.Slice(o, len).Fill(src[i++]);
                o += len;
            }
        }
        return o;
    }

    /// <summary>TIFF's LZW: codes MSB first, 9 to 12 bits, the width growing one code early, 256 clear, 257 end.</summary>
    static int Lzw(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var prefix = new short[4096];
        var suffix = new byte[4096];
        var stack = new byte[4096];
        for (int i = 0; i < 256; i++) { suffix[i] = (byte)i; prefix[i] = -1; }
        int next = 258, width = 9, o = 0, old = -1;
        long bitBuffer = 0;
        int bits = 0, pos = 0;
        while (o < dst.Length)
        {
            while (bits < width && pos < src.Length) { bitBuffer = (bitBuffer << 8) | src[pos++]; bits += 8; }
            if (bits < width) break;
            int code = (int)((bitBuffer >> (bits - width)) & ((1 << width) - 1));
            bits -= width;
            if (code == 257) break;
            if (code == 256) { next = 258; width = 9; old = -1; continue; }
            int first;
            if (code < next)
            {
                o = Emit(code, prefix, suffix, stack, dst, o, out first);
                if (old >= 0 && next < 4096) { prefix[next] = (short)old; suffix[next] = (byte)first; next++; }
            }
            else if (code == next && old >= 0)
            {
                Emit(old, prefix, suffix, stack, [], 0, out first);
                if (next < 4096) { prefix[next] = (short)old; suffix[next] = (byte)first; next++; }
                o = Emit(code, prefix, suffix, stack, dst, o, out _);
            }
            else throw new InvalidDataException("bad LZW code");
            old = code;
            if (next + 1 >= (1 << width) && width < 12) width++;
        }
        return o;
    }

    static int Emit(int code, short[] prefix, byte[] suffix, byte[] stack, Span<byte> dst, int o, out int first)
    {
        int n = 0;
        for (int c = code; c >= 0; c = prefix[c]) stack[n++] = suffix[c];
        first = stack[n - 1];
        for (int k = n - 1; k >= 0 && o < dst.Length; k--)
            dst[o++] = stack[k];
        return o;
    }
}
