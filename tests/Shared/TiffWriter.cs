using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace FaceAtlas.Testing;

/// <summary>
/// TIFF files written here from the TIFF 6.0 layout (Skia writes none), for the decoder's tests, the bad-input
/// corpus and the fuzzer's seeds.
/// </summary>
public static class TiffWriter
{
    /// <summary>A baseline RGB TIFF of one strip, written here from the TIFF 6.0 layout.</summary>
    public static byte[] Write(SKBitmap bitmap, ushort compression, bool bigEndian = false, ushort orientation = 1)
    {
        int w = bitmap.Width, h = bitmap.Height;
        var raw = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = bitmap.GetPixel(x, y);
                raw[(y * w + x) * 3] = c.Red; raw[(y * w + x) * 3 + 1] = c.Green; raw[(y * w + x) * 3 + 2] = c.Blue;
            }
        byte[] strip = compression switch
        {
            1 => raw,
            5 => Lzw(raw),
            8 => Deflate(raw),
            32773 => PackBitsLiteral(raw),
            _ => throw new ArgumentOutOfRangeException(nameof(compression)),
        };
        var entries = new (ushort Tag, ushort Type, uint Value)[]
        {
            (256, 4, (uint)w), (257, 4, (uint)h), (258, 3, 8), (259, 3, compression), (262, 3, 2),
            (273, 4, 0 /* patched */), (274, 3, orientation), (277, 3, 3), (278, 4, (uint)h), (279, 4, (uint)strip.Length),
        };
        int ifdSize = 2 + 12 * entries.Length + 4;
        int stripOffset = 8 + ifdSize;
        var file = new byte[stripOffset + strip.Length];
        void U16(int at, ushort v) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(at), v); else BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), v); }
        void U32(int at, uint v) { if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(at), v); else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at), v); }
        file[0] = file[1] = (byte)(bigEndian ? 'M' : 'I');
        U16(2, 42); U32(4, 8); U16(8, (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            int e = 10 + 12 * i;
            var (tag, type, value) = entries[i];
            if (tag == 273) value = (uint)stripOffset;
            U16(e, tag); U16(e + 2, type); U32(e + 4, 1);
            if (type == 3) U16(e + 8, (ushort)value); else U32(e + 8, value);
        }
        strip.CopyTo(file, stripOffset);
        return file;
    }

    static byte[] Deflate(byte[] raw)
    {
        var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        return output.ToArray();
    }

    /// <summary>
    /// TIFF LZW as libtiff writes it: a string table of up to 4,094 codes (then a clear code), codes most significant
    /// bit first, their width following the reader's table one code early. The width is taken from a model of the
    /// reader (its table lags the writer's by one code), so the test cannot share a mistake with the decoder by design.
    /// </summary>
    static byte[] Lzw(byte[] raw)
    {
        var output = new List<byte>();
        int acc = 0, bits = 0;
        int readerNext = 258, readerWidth = 9;
        bool readerHasOld = false;
        void Emit(int code)
        {
            acc = (acc << readerWidth) | code;
            bits += readerWidth;
            while (bits >= 8) { output.Add((byte)(acc >> (bits - 8))); bits -= 8; acc &= (1 << bits) - 1; }
            // What the reader does with the code it just read.
            if (code == 256) { readerNext = 258; readerWidth = 9; readerHasOld = false; return; }
            if (code == 257) return;
            if (readerHasOld) readerNext++;
            readerHasOld = true;
            if (readerNext + 1 >= (1 << readerWidth) && readerWidth < 12) readerWidth++;
        }

        var table = new Dictionary<(int, byte), int>();
        int next = 258, current = -1;
        Emit(256);
        foreach (var b in raw)
        {
            if (current < 0) { current = b; continue; }
            if (table.TryGetValue((current, b), out var longer)) { current = longer; continue; }
            Emit(current);
            table[(current, b)] = next++;
            current = b;
            if (next == 4094)
            {
                Emit(current);
                Emit(256);
                table.Clear();
                next = 258;
                current = -1;
            }
        }
        if (current >= 0) Emit(current);
        Emit(257);
        if (bits > 0) output.Add((byte)(acc << (8 - bits)));
        return [.. output];
    }

    /// <summary>PackBits with literal runs of up to 128 bytes and a repeat run for long equal stretches.</summary>
    static byte[] PackBitsLiteral(byte[] raw)
    {
        var output = new List<byte>();
        for (int i = 0; i < raw.Length;)
        {
            int run = 1;
            while (i + run < raw.Length && run < 128 && raw[i + run] == raw[i]) run++;
            if (run >= 3) { output.Add((byte)(sbyte)(1 - run)); output.Add(raw[i]); i += run; continue; }
            int n = Math.Min(128, raw.Length - i);
            output.Add((byte)(n - 1));
            output.AddRange(raw.AsSpan(i, n).ToArray());
            i += n;
        }
        return [.. output];
    }
}
