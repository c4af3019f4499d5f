using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceAtlas.Vision;

/// <summary>
/// Resizes 8-bit RGBA pixels with one bilinear step, sampling as Skia's <c>ScalePixels</c> with a linear filter and
/// no mipmaps does (each target pixel's centre mapped into the source, neighbours beyond the edges clamped to it),
/// so the result is Skia's to one grey level. It is here because Skia's raster pipeline in SkiaSharp's build runs
/// its SSE2 sampler: about three times slower on the detector's whole-photo resize, which every photo goes through.
/// </summary>
internal sealed class BilinearScaler
{
    readonly int[] _left, _right, _top, _bottom;
    readonly float[] _across, _down;
    readonly int _sourceWidth, _sourceRowBytes;
    Vector128<float>[] _upper, _lower;
    readonly Vector128<float>[] _channels, _row;
    int _upperRow = -1, _lowerRow = -1;

    /// <summary>A sampler of <c>source</c> (given to <see cref="Row"/>) at targetWidth x targetHeight.</summary>
    public BilinearScaler(int sourceWidth, int sourceHeight, int sourceRowBytes, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetHeight, 1);
        (_sourceWidth, _sourceRowBytes) = (sourceWidth, sourceRowBytes);
        (_left, _right, _across) = Sampling(sourceWidth, targetWidth);
        (_top, _bottom, _down) = Sampling(sourceHeight, targetHeight);
        _upper = new Vector128<float>[targetWidth];
        _lower = new Vector128<float>[targetWidth];
        _row = new Vector128<float>[targetWidth];
        _channels = new Vector128<float>[sourceWidth];
    }

    /// <summary>
    /// Writes <paramref name="source"/> (sourceWidth x sourceHeight, <paramref name="sourceRowBytes"/> a row) resized
    /// to targetWidth x targetHeight into <paramref name="target"/>. Alpha is resampled like the colours.
    /// </summary>
    public static void Scale(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int sourceRowBytes,
        Span<byte> target, int targetWidth, int targetHeight, int targetRowBytes)
    {
        var scaler = new BilinearScaler(sourceWidth, sourceHeight, sourceRowBytes, targetWidth, targetHeight);
        for (int y = 0; y < targetHeight; y++)
            Pack(scaler.Row(source, y), MemoryMarshal.Cast<byte, uint>(target.Slice(y * targetRowBytes, targetWidth * 4)));
    }

    /// <summary>
    /// Target row <paramref name="y"/> as four floats (0..255) a pixel; valid until the next call. Rows are cheapest
    /// asked for in order, with the same <paramref name="source"/> each time.
    /// </summary>
    public ReadOnlySpan<Vector128<float>> Row(ReadOnlySpan<byte> source, int y)
    {
        var down = Vector128.Create(_down[y]);
        int top = _top[y], bottom = _bottom[y];
        if (top != _upperRow)
        {
            if (top == _lowerRow) (_upper, _lower, _upperRow, _lowerRow) = (_lower, _upper, _lowerRow, -1);
            else Across(source.Slice(top * _sourceRowBytes, _sourceWidth * 4), _upper);
            _upperRow = top;
        }
        if (bottom != _lowerRow)
        {
            Across(source.Slice(bottom * _sourceRowBytes, _sourceWidth * 4), _lower);
            _lowerRow = bottom;
        }
        for (int x = 0; x < _row.Length; x++)
            _row[x] = _upper[x] + (_lower[x] - _upper[x]) * down;
        return _row;
    }

    /// <summary>
    /// The two source columns (or rows) each target column (or row) reads and the second one's weight: its centre
    /// mapped back, neighbours clamped to the edge.
    /// </summary>
    static (int[] First, int[] Second, float[] Weight) Sampling(int sourceSize, int targetSize)
    {
        int[] first = new int[targetSize], second = new int[targetSize];
        var weight = new float[targetSize];
        double step = (double)sourceSize / targetSize;
        for (int x = 0; x < targetSize; x++)
        {
            double at = (x + 0.5) * step - 0.5;
            int x0 = (int)Math.Floor(at);
            weight[x] = (float)(at - x0);
            first[x] = Math.Clamp(x0, 0, sourceSize - 1);
            second[x] = Math.Clamp(x0 + 1, 0, sourceSize - 1);
        }
        return (first, second, weight);
    }

    /// <summary>One source row resampled to the target's width.</summary>
    void Across(ReadOnlySpan<byte> row, Vector128<float>[] into)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(row);
        for (int x = 0; x < pixels.Length; x++)
            _channels[x] = Channels(pixels[x]);
        for (int x = 0; x < into.Length; x++)
        {
            var a = _channels[_left[x]];
            into[x] = a + (_channels[_right[x]] - a) * Vector128.Create(_across[x]);
        }
    }

    /// <summary>A row of four-float pixels (0..255) as RGBA bytes, rounded.</summary>
    internal static void Pack(ReadOnlySpan<Vector128<float>> row, Span<uint> into)
    {
        var half = Vector128.Create(0.5f);
        for (int x = 0; x < row.Length; x++)
        {
            // Truncating v + 0.5 rounds, every value being positive; none exceeds 255.5.
            var words = Vector128.ConvertToInt32(row[x] + half);
            var shorts = Vector128.Narrow(words, words);
            into[x] = Vector128.Narrow(shorts, shorts).AsUInt32().ToScalar();
        }
    }

    static Vector128<float> Channels(uint pixel)
    {
        var bytes = Vector128.CreateScalarUnsafe(pixel).AsByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32()); // signed: one instruction
    }
}
