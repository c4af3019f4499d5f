using System.Numerics;
using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// 68-point landmarks (fr_landmark.onnx) from a 64x64 grey crop of the face: five of them align the face for the
/// embedder, fourteen give its head pose (<see cref="LandmarkPose"/>).
/// </summary>
public sealed class LandmarkModel : IDisposable
{
    const int Side = 64;
    readonly OnnxModel _model;
    readonly TensorPool _inputs = new(Side * Side);

    public LandmarkModel(string modelPath, ModelSessions sessions) =>
        _model = new OnnxModel(modelPath, null, sessions, "input", [1, 1, Side, Side], ("output", [1, 136]));

    /// <summary>The landmarks of the face in <paramref name="box"/>, in the image's pixels.</summary>
    public FaceLandmarks Locate(PixelImage image, FaceBox box)
    {
        var crop = CropRect(box, image.Width, image.Height);
        var input = _inputs.Rent();
        try
        {
            FillInput(image, crop, input);
            using var outputs = _model.Run(input);
            return ToImage(outputs[0].GetTensorDataAsSpan<float>(), crop);
        }
        finally
        {
            _inputs.Return(input);
        }
    }

    /// <summary>A square of side = box height centred on the box, shifted inside the image and clipped to it.</summary>
    internal static SKRectI CropRect(FaceBox box, int width, int height)
    {
        float side = box.Height;
        float cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        float left = cx - side / 2, top = cy - side / 2;
        left = Math.Clamp(left, 0, Math.Max(0, width - side));
        top = Math.Clamp(top, 0, Math.Max(0, height - side));
        int l = (int)left, t = (int)top;
        int r = Math.Min(width, (int)(left + side)), b = Math.Min(height, (int)(top + side));
        return new SKRectI(l, t, Math.Max(r, l + 1), Math.Max(b, t + 1));
    }

    /// <summary>Grey (ITU-R 601 weights, as OpenCV's BGR2GRAY), v / 256.</summary>
    static void FillInput(PixelImage image, SKRectI crop, Span<float> input)
    {
        var px = image.CropScaled(crop, Side);
        const int rowBytes = Side * 4;
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                int p = y * rowBytes + x * 4;
                input[y * Side + x] = (0.299f * px[p] + 0.587f * px[p + 1] + 0.114f * px[p + 2]) / 256f;
            }
    }

    /// <summary>The model's points, in 0..1 of the crop, in the image's pixels.</summary>
    internal static FaceLandmarks ToImage(ReadOnlySpan<float> p, SKRectI crop)
    {
        var at = new Vector2[FaceLandmarks.Count];
        for (int i = 0; i < at.Length; i++)
            at[i] = new(crop.Left + p[2 * i] * crop.Width, crop.Top + p[2 * i + 1] * crop.Height);
        return new FaceLandmarks(at);
    }

    public void Dispose() => _model.Dispose();
}
