using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceAtlas.Vision;

/// <summary>
/// Shrinks 8-bit RGBA pixels as Skia's <c>ScalePixels</c> with a linear filter and linear mipmaps does, to one grey
/// level: the mip level is −log2(scale) − 0.5 (Skia's bias, after the GPU's "sharpen" option, taken from the
/// smaller of the two scales), and the result blends bilinear samples of the two levels around it. Only the levels
/// used are built, with Skia's filters: a 2x2 box where a side is even, 1-2-1 taps where it is odd, truncated.
/// Skia builds the whole chain and runs its SSE2 pipeline for every face crop (landmarks, attributes): on a crop of
/// LFW's size (110 px to 64) this takes a third to a half of its time; on large crops Skia's vectorised mip
/// building wins, so callers keep Skia above <see cref="FastestUpTo"/>.
/// </summary>
internal static class MipmapScaler
{
    /// <summary>Crop size (pixels) up to which this is faster than Skia (`bench -- resize`: 1.4x at 400 x 400, 0.75x at 601 x 601).</summary>
    public const long FastestUpTo = 400 * 400;

    /// <summary>The red and blue bytes of an RGBA word (green and alpha after a shift by 8), each in a 16-bit lane.</summary>
    const uint Even = 0x00FF00FF;

    public static void Scale(ReadOnlySpan<byte> source, int width, int height, int rowBytes,
        Span<byte> target, int targetWidth, int targetHeight, int targetRowBytes)
    {
        float scale = Math.Min((float)targetWidth / width, (float)targetHeight / height);
        float level = scale >= 1 ? 0 : Math.Max(-MathF.Log2(scale) - 0.5f, 0);
        int upperLevel = (int)MathF.Floor(level);
        float lowerWeight = level - upperLevel;

        // The level sampled above the blend (the source itself at level 0), then the one below it.
        var upper = source;
        for (int k = 0; k < upperLevel; k++)
        {
            upper = Halve(upper, width, height, rowBytes, out width, out height);
            rowBytes = width * 4;
        }
        if (lowerWeight == 0)
        {
            BilinearScaler.Scale(upper, width, height, rowBytes, target, targetWidth, targetHeight, targetRowBytes);
            return;
        }
        var lower = Halve(upper, width, height, rowBytes, out int lowerWidth, out int lowerHeight);

        var above = new BilinearScaler(width, height, rowBytes, targetWidth, targetHeight);
        var below = new BilinearScaler(lowerWidth, lowerHeight, lowerWidth * 4, targetWidth, targetHeight);
        var blended = new Vector128<float>[targetWidth];
        var weight = Vector128.Create(lowerWeight);
        for (int y = 0; y < targetHeight; y++)
        {
            var a = above.Row(upper, y);
            var b = below.Row(lower, y);
            for (int x = 0; x < targetWidth; x++)
                blended[x] = a[x] + (b[x] - a[x]) * weight;
            BilinearScaler.Pack(blended, MemoryMarshal.Cast<byte, uint>(target.Slice(y * targetRowBytes, targetWidth * 4)));
        }
    }

    /// <summary>
    /// The next mip level: sides halved (rounded down, at least 1); along a side of even length each pixel sums two
    /// (1, 1), of odd length three (1, 2, 1), of length 1 one; the sum shifted right once, truncating, as Skia does.
    /// </summary>
    internal static byte[] Halve(ReadOnlySpan<byte> source, int width, int height, int rowBytes, out int halfWidth, out int halfHeight)
    {
        halfWidth = Math.Max(1, width / 2);
        halfHeight = Math.Max(1, height / 2);
        if (width % 2 == 0 && height % 2 == 0)
        {
            var even = new byte[halfWidth * halfHeight * 4];
            HalveEven(source, rowBytes, even, halfWidth * 4, halfWidth, halfHeight, rounded: false);
            return even;
        }
        ReadOnlySpan<uint> taps1 = [1], taps2 = [1, 1], taps3 = [1, 2, 1];
        var across = width == 1 ? taps1 : width % 2 == 0 ? taps2 : taps3;
        var down = height == 1 ? taps1 : height % 2 == 0 ? taps2 : taps3;
        int shift = across.Length - 1 + down.Length - 1; // log2 of the taps' sums: 1, 2 or 4 each
        var half = new byte[halfWidth * halfHeight * 4];
        var target = MemoryMarshal.Cast<byte, uint>(half.AsSpan());
        // Column sums down the rows a target row reads, two channels a word in 16-bit lanes (at most 16 x 255).
        var evens = new uint[width];
        var odds = new uint[width];
        for (int y = 0; y < halfHeight; y++)
        {
            Array.Clear(evens);
            Array.Clear(odds);
            for (int j = 0; j < down.Length; j++)
                AddRow(MemoryMarshal.Cast<byte, uint>(source.Slice((2 * y + j) * rowBytes, width * 4)), down[j], evens, odds);
            var output = target.Slice(y * halfWidth, halfWidth);
            for (int x = 0; x < output.Length; x++)
            {
                uint even, odd;
                switch (across.Length)
                {
                    case 1: (even, odd) = (evens[x], odds[x]); break;
                    case 2: (even, odd) = (evens[2 * x] + evens[2 * x + 1], odds[2 * x] + odds[2 * x + 1]); break;
                    default:
                        (even, odd) = (evens[2 * x] + 2 * evens[2 * x + 1] + evens[2 * x + 2], odds[2 * x] + 2 * odds[2 * x + 1] + odds[2 * x + 2]);
                        break;
                }
                output[x] = ((even >> shift) & Even) | (((odd >> shift) & Even) << 8);
            }
        }
        return half;
    }

    /// <summary>Adds <paramref name="weight"/> times each pixel of <paramref name="row"/> to the column sums, a vector at a time.</summary>
    static void AddRow(ReadOnlySpan<uint> row, uint weight, uint[] evens, uint[] odds)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<uint>(Even);
            var times = new Vector<uint>(weight);
            var pixels = MemoryMarshal.Cast<uint, Vector<uint>>(row);
            var evenSums = MemoryMarshal.Cast<uint, Vector<uint>>(evens.AsSpan());
            var oddSums = MemoryMarshal.Cast<uint, Vector<uint>>(odds.AsSpan());
            for (int v = 0; v < pixels.Length; v++)
            {
                evenSums[v] += times * (pixels[v] & mask);
                oddSums[v] += times * (Vector.ShiftRightLogical(pixels[v], 8) & mask);
            }
            x = pixels.Length * Vector<uint>.Count;
        }
        for (; x < row.Length; x++)
        {
            evens[x] += weight * (row[x] & Even);
            odds[x] += weight * ((row[x] >> 8) & Even);
        }
    }

    /// <summary>
    /// Both sides even: each pixel of <paramref name="target"/> the mean of 2x2 of <paramref name="source"/>, truncated
    /// as Skia's mip filter does or <paramref name="rounded"/>, two channels at a time in 16-bit lanes (the sum of four
    /// bytes needs 10 bits, so the lanes never carry into each other).
    /// </summary>
    internal static void HalveEven(ReadOnlySpan<byte> source, int rowBytes, Span<byte> target, int targetRowBytes,
        int halfWidth, int halfHeight, bool rounded)
    {
        uint round = rounded ? 0x00020002u : 0;
        for (int y = 0; y < halfHeight; y++)
        {
            var top = MemoryMarshal.Cast<byte, uint>(source.Slice(2 * y * rowBytes, 2 * halfWidth * 4));
            var bottom = MemoryMarshal.Cast<byte, uint>(source.Slice((2 * y + 1) * rowBytes, 2 * halfWidth * 4));
            var row = MemoryMarshal.Cast<byte, uint>(target.Slice(y * targetRowBytes, halfWidth * 4));
            for (int x = 0; x < row.Length; x++)
            {
                uint a = top[2 * x], b = top[2 * x + 1], c = bottom[2 * x], d = bottom[2 * x + 1];
                uint even = (a & Even) + (b & Even) + (c & Even) + (d & Even) + round;
                uint odd = ((a >> 8) & Even) + ((b >> 8) & Even) + ((c >> 8) & Even) + ((d >> 8) & Even) + round;
                row[x] = ((even >> 2) & Even) | (((odd >> 2) & Even) << 8);
            }
        }
    }
}
