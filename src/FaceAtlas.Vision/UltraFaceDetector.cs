using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>A face the detector reported: box in the pixels of the image it was given, and its confidence.</summary>
public readonly record struct Detection(FaceBox Box, float Score);

/// <summary>
/// UltraFace RFB-320 (fr_detect.onnx). One pass looks at a 320x240 window; priors, box decoding and the
/// softmax are inside the graph, so the outputs are face probabilities and corner boxes in 0..1 of the window.
/// </summary>
public sealed class UltraFaceDetector : IDisposable
{
    public const int InputWidth = 320, InputHeight = 240;
    const int Priors = 4420;

    readonly OnnxModel _model;
    readonly TensorPool _inputs = new(3 * InputWidth * InputHeight);

    public UltraFaceDetector(string modelPath, SessionOptions options) =>
        _model = new OnnxModel(modelPath, options, "input", [1, 3, InputHeight, InputWidth],
            ("scores", [1, Priors, 2]), ("boxes", [1, Priors, 4]));

    /// <summary>
    /// Detects faces in the 320x240 window of <paramref name="image"/> whose top-left is (x0, y0); parts of
    /// the window outside the image are fed as mid-grey. Boxes come back in the image's pixels.
    /// </summary>
    public void DetectWindow(PixelImage image, int x0, int y0, float minScore, List<Detection> found)
    {
        var input = _inputs.Rent();
        try
        {
            FillInput(image, x0, y0, input);
            using var outputs = _model.Run(input);
            var scores = outputs[0].GetTensorDataAsSpan<float>();
            var boxes = outputs[1].GetTensorDataAsSpan<float>();
            for (int i = 0; i < Priors; i++)
            {
                float score = scores[2 * i + 1];
                if (score < minScore) continue;
                var b = boxes.Slice(4 * i, 4);
                found.Add(new Detection(FaceBox.FromCorners(
                    x0 + b[0] * InputWidth, y0 + b[1] * InputHeight, x0 + b[2] * InputWidth, y0 + b[3] * InputHeight), score));
            }
        }
        finally
        {
            _inputs.Return(input);
        }
    }

    /// <summary>Planar RGB, (v - 127) / 128, as the model was trained.</summary>
    internal static void FillInput(PixelImage image, int x0, int y0, Span<float> input)
    {
        const int plane = InputWidth * InputHeight;
        var pixels = image.Pixels;
        int rowBytes = image.RowBytes;
        // Outside the image: the value 127, which normalises to 0.
        int xStart = Math.Max(0, -x0), xEnd = Math.Min(InputWidth, image.Width - x0);
        for (int y = 0; y < InputHeight; y++)
        {
            var r = input.Slice(y * InputWidth, InputWidth);
            var g = input.Slice(plane + y * InputWidth, InputWidth);
            var b = input.Slice(2 * plane + y * InputWidth, InputWidth);
            int sy = y0 + y;
            if (sy < 0 || sy >= image.Height || xStart >= xEnd)
            {
                r.Clear(); g.Clear(); b.Clear();
                continue;
            }
            if (xStart > 0) { r[..xStart].Clear(); g[..xStart].Clear(); b[..xStart].Clear(); }
            if (xEnd < InputWidth) { r[xEnd..].Clear(); g[xEnd..].Clear(); b[xEnd..].Clear(); }
            var row = pixels.Slice(sy * rowBytes + (x0 + xStart) * 4, (xEnd - xStart) * 4);
            for (int x = xStart, p = 0; x < xEnd; x++, p += 4)
            {
                r[x] = (row[p] - 127f) * (1f / 128f);
                g[x] = (row[p + 1] - 127f) * (1f / 128f);
                b[x] = (row[p + 2] - 127f) * (1f / 128f);
            }
        }
    }

    public void Dispose() => _model.Dispose();
}
