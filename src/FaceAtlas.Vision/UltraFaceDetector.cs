using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>A face the detector reported: box in the pixels of the image it was given, and its confidence.</summary>
public readonly record struct Detection(FaceBox Box, float Score);

/// <summary>
/// UltraFace RFB-320 (fr_detect.onnx). The shipped graph is fixed at 320x240 because its last nodes decode boxes
/// against a constant table of priors; the network before them is fully convolutional. So the graph is cut
/// before the decoding, its input made any size, and the boxes decoded here against <see cref="PriorBoxes"/>:
/// one pass over a large window costs what the same pixels in 320x240 tiles cost, without the tiles' overlap.
/// </summary>
public sealed class UltraFaceDetector : IDisposable
{
    /// <summary>The size the network was trained at; the whole photo is shown at this size for the large faces.</summary>
    public const int BaseWidth = 320, BaseHeight = 240;
    const float CenterVariance = 0.1f, SizeVariance = 0.2f;

    /// <summary>The name the cut graph gives the box regressions (the shipped graph's name for them is generated).</summary>
    const string LocationsOutput = "locations";

    readonly OnnxModel _model;
    readonly ConcurrentDictionary<(int, int), TensorPool> _inputs = new();

    public UltraFaceDetector(string modelPath, ModelSessions sessions)
    {
        var resizable = new ModelEdit("cut-before-decoding-any-size", original =>
        {
            var locations = RawLocationsTensor(original);
            return OnnxGraphEditor.CutAndResize(original, ["scores", locations], new Dictionary<int, string> { [2] = "height", [3] = "width" },
                new Dictionary<string, string> { [locations] = LocationsOutput });
        });
        _model = new OnnxModel(modelPath, resizable, sessions, "input", [1, 3, -1, -1], ("scores", null), (LocationsOutput, null));
    }

    /// <summary>The concatenated box regressions: the tensor the graph's decoding slices.</summary>
    static string RawLocationsTensor(byte[] model)
    {
        var nodes = OnnxGraphEditor.Nodes(model);
        var concatenated = nodes.Where(n => n.OpType == "Concat").SelectMany(n => n.Outputs).ToHashSet();
        return nodes.FirstOrDefault(n => n.OpType == "Slice" && n.Inputs.Length > 0 && concatenated.Contains(n.Inputs[0]))?.Inputs[0]
            ?? throw new ModelLayoutException("no box decoding (Slice of a Concat) found to cut before");
    }

    /// <summary>
    /// Detects faces in the <paramref name="width"/> x <paramref name="height"/> window of <paramref name="image"/>
    /// whose top-left is (x0, y0); parts of the window outside the image are fed as mid-grey. Boxes come back in
    /// the image's pixels.
    /// </summary>
    public void DetectWindow(PixelImage image, int x0, int y0, int width, int height, float minScore, List<Detection> found) =>
        DetectWindow(image, 1.0, x0, y0, width, height, minScore, found);

    /// <summary>
    /// As above, on <paramref name="image"/> seen at <paramref name="scale"/> (0.5 to 1, sampled bilinearly on the fly
    /// instead of resizing the whole image first); window and boxes are in pixels of the scaled image.
    /// </summary>
    public void DetectWindow(PixelImage image, double scale, int x0, int y0, int width, int height, float minScore, List<Detection> found)
    {
        var pool = _inputs.GetOrAdd((width, height), size => new TensorPool(3 * size.Item1 * size.Item2));
        var input = pool.Rent();
        try
        {
            if (scale == 1.0) FillInput(image, x0, y0, width, height, input);
            else FillInputScaled(image, scale, x0, y0, width, height, input);
            using var outputs = _model.Run(input, [1, 3, height, width]);
            Decode(outputs[0].GetTensorDataAsSpan<float>(), outputs[1].GetTensorDataAsSpan<float>(), PriorBoxes.For(width, height),
                x0, y0, width, height, minScore, found);
        }
        finally
        {
            pool.Return(input);
        }
    }

    /// <summary>The decoding the shipped graph did: centre offsets scaled by 0.1, log sizes by 0.2, against the priors.</summary>
    internal static void Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> locations, ReadOnlySpan<float> priors,
        int x0, int y0, int width, int height, float minScore, List<Detection> found)
    {
        int count = priors.Length / 4;
        if (scores.Length != 2 * count || locations.Length != 4 * count)
            throw new ModelLayoutException($"fr_detect.onnx: {scores.Length / 2} anchors for a {width}x{height} input, priors expect {count}");
        for (int i = 0; i < count; i++)
        {
            float score = scores[2 * i + 1];
            if (score < minScore) continue;
            float pcx = priors[4 * i], pcy = priors[4 * i + 1], pw = priors[4 * i + 2], ph = priors[4 * i + 3];
            float cx = locations[4 * i] * CenterVariance * pw + pcx;
            float cy = locations[4 * i + 1] * CenterVariance * ph + pcy;
            float w = MathF.Exp(locations[4 * i + 2] * SizeVariance) * pw;
            float h = MathF.Exp(locations[4 * i + 3] * SizeVariance) * ph;
            found.Add(new Detection(FaceBox.FromCorners(
                x0 + (cx - w / 2) * width, y0 + (cy - h / 2) * height, x0 + (cx + w / 2) * width, y0 + (cy + h / 2) * height), score));
        }
    }

    /// <summary>Planar RGB, (v - 127) / 128, as the model was trained.</summary>
    internal static void FillInput(PixelImage image, int x0, int y0, int width, int height, Span<float> input)
    {
        int plane = width * height;
        var pixels = image.Pixels;
        int rowBytes = image.RowBytes;
        // Outside the image: the value 127, which normalises to 0.
        int xStart = Math.Max(0, -x0), xEnd = Math.Min(width, image.Width - x0);
        for (int y = 0; y < height; y++)
        {
            var r = input.Slice(y * width, width);
            var g = input.Slice(plane + y * width, width);
            var b = input.Slice(2 * plane + y * width, width);
            int sy = y0 + y;
            if (sy < 0 || sy >= image.Height || xStart >= xEnd)
            {
                r.Clear(); g.Clear(); b.Clear();
                continue;
            }
            if (xStart > 0) { r[..xStart].Clear(); g[..xStart].Clear(); b[..xStart].Clear(); }
            if (xEnd < width) { r[xEnd..].Clear(); g[xEnd..].Clear(); b[xEnd..].Clear(); }
            var row = pixels.Slice(sy * rowBytes + (x0 + xStart) * 4, (xEnd - xStart) * 4);
            for (int x = xStart, p = 0; x < xEnd; x++, p += 4)
            {
                r[x] = (row[p] - 127f) * (1f / 128f);
                g[x] = (row[p + 1] - 127f) * (1f / 128f);
                b[x] = (row[p + 2] - 127f) * (1f / 128f);
            }
        }
    }

    /// <summary>
    /// <see cref="FillInput"/> of the image resized by <paramref name="scale"/>: each input pixel is a bilinear sample
    /// at ((x + 0.5) / scale − 0.5, (y + 0.5) / scale − 0.5). Only for scales of 0.5 and more, where bilinear
    /// sampling skips no source pixel; smaller scales are resized with filtering first.
    /// </summary>
    internal static void FillInputScaled(PixelImage image, double scale, int x0, int y0, int width, int height, Span<float> input)
    {
        if (scale < 0.5 || scale > 1.0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "0.5 to 1");
        int plane = width * height, w = image.Width, h = image.Height, rowBytes = image.RowBytes;
        int scaledWidth = (int)Math.Round(w * scale), scaledHeight = (int)Math.Round(h * scale);
        var pixels = image.Pixels;
        float inv = (float)(1 / scale);
        // Horizontal sample positions are the same on every row: work them out once, as offsets into an RGBA row
        // (-1: outside the scaled image).
        var left = new int[width];
        var right = new int[width];
        var weights = new float[width];
        for (int x = 0; x < width; x++)
        {
            int sx = x0 + x;
            float fx = (sx + 0.5f) * inv - 0.5f;
            int ix = (int)MathF.Floor(fx);
            int clamped = Math.Clamp(ix, 0, w - 1);
            left[x] = sx < 0 || sx >= scaledWidth ? -1 : clamped * 4;
            right[x] = Math.Min(clamped + 1, w - 1) * 4;
            weights[x] = ix < 0 ? 0 : ix >= w - 1 ? 0 : fx - ix;
        }
        // Rows are blended vertically first, whole rows at a time with vector instructions, from source rows
        // normalised once each (consecutive input rows mostly share their two source rows); the horizontal blend
        // then reads one row. Both steps are linear, so the order changes nothing but rounding.
        var rowA = new float[w * 4];
        var rowB = new float[w * 4];
        var mixed = new float[w * 4];
        int rowAIndex = -1, rowBIndex = -1;
        for (int y = 0; y < height; y++)
        {
            var r = input.Slice(y * width, width);
            var g = input.Slice(plane + y * width, width);
            var b = input.Slice(2 * plane + y * width, width);
            int sy = y0 + y;
            if (sy < 0 || sy >= scaledHeight)
            {
                r.Clear(); g.Clear(); b.Clear();
                continue;
            }
            float fy = (sy + 0.5f) * inv - 0.5f;
            int iy = (int)MathF.Floor(fy);
            float wy = iy < 0 || iy >= h - 1 ? 0 : fy - iy;
            iy = Math.Clamp(iy, 0, h - 1);
            int iy1 = Math.Min(iy + 1, h - 1);
            if (rowAIndex != iy)
            {
                if (rowBIndex == iy) (rowA, rowB, rowAIndex, rowBIndex) = (rowB, rowA, iy, rowAIndex);
                else { Normalise(pixels.Slice(iy * rowBytes, w * 4), rowA); rowAIndex = iy; }
            }
            if (rowBIndex != iy1)
            {
                Normalise(pixels.Slice(iy1 * rowBytes, w * 4), rowB);
                rowBIndex = iy1;
            }
            TensorPrimitives.Lerp(rowA, rowB, wy, mixed);
            // The hot loop: offsets were checked when they were made (0 <= p0, p1 < 4w), so no bounds checks here.
            ref float m = ref MemoryMarshal.GetArrayDataReference(mixed);
            for (int x = 0; x < width; x++)
            {
                int p0 = left[x];
                if (p0 < 0) { r[x] = 0; g[x] = 0; b[x] = 0; continue; }
                int p1 = right[x];
                float wx = weights[x];
                float r0 = Unsafe.Add(ref m, p0), g0 = Unsafe.Add(ref m, p0 + 1), b0 = Unsafe.Add(ref m, p0 + 2);
                r[x] = r0 + wx * (Unsafe.Add(ref m, p1) - r0);
                g[x] = g0 + wx * (Unsafe.Add(ref m, p1 + 1) - g0);
                b[x] = b0 + wx * (Unsafe.Add(ref m, p1 + 2) - b0);
            }
        }
    }

    /// <summary>One row of RGBA bytes as floats normalised as the model wants, (v - 127) / 128.</summary>
    static void Normalise(ReadOnlySpan<byte> row, Span<float> normalised)
    {
        TensorPrimitives.ConvertTruncating<byte, float>(row, normalised);
        TensorPrimitives.Subtract(normalised, 127f, normalised);
        TensorPrimitives.Multiply(normalised, 1f / 128f, normalised);
    }

    public void Dispose() => _model.Dispose();
}
