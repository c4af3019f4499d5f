using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// Head pose from its own network (fr_pose.onnx: Hopenet-style, a 224x224 crop of the detector's box grown 1.5x,
/// 66 bins of 3 degrees an angle, the package's pre-processing: R, G, B planes with ImageNet's statistics). No longer
/// part of indexing, where <see cref="LandmarkPose"/> gives the pose from the landmarks at a fraction of the cost;
/// kept so the benchmark can keep comparing the two (bench -- pose).
/// </summary>
public sealed class HeadPoseNetwork : IDisposable
{
    const int Side = 224, Bins = 66;
    readonly OnnxModel _model;
    readonly TensorPool _inputs = new(3 * Side * Side);

    public HeadPoseNetwork(string modelDirectory, ModelSessions sessions) =>
        _model = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Pose), null, sessions, "input", [1, 3, Side, Side],
            ("output", [1, Bins]), ("617", [1, Bins]), ("618", [1, Bins]));

    /// <summary>The head pose of the face the detector boxed at <paramref name="detectorBox"/> in <paramref name="image"/>.</summary>
    public HeadPose Estimate(PixelImage image, FaceBox detectorBox)
    {
        var input = _inputs.Rent();
        try
        {
            ImageNetTensor.Fill(image, PoseCrop(detectorBox, image.Width, image.Height), Side, bgr: false, input, out _);
            using var o = _model.Run(input);
            return new HeadPose(Expectation(o[0].GetTensorDataAsSpan<float>()), Expectation(o[1].GetTensorDataAsSpan<float>()),
                Expectation(o[2].GetTensorDataAsSpan<float>()));
        }
        finally
        {
            _inputs.Return(input);
        }
    }

    /// <summary>The softmax-weighted mean bin, in degrees: bin i covers 3i - 99.</summary>
    internal static float Expectation(ReadOnlySpan<float> logits)
    {
        float max = float.MinValue;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0, weighted = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp(logits[i] - max);
            sum += e;
            weighted += e * i;
        }
        return (float)(weighted / sum * 3 - 99);
    }

    /// <summary>The box grown by a quarter of its size on every side, clipped to the image (the package's predictPose).</summary>
    internal static SKRectI PoseCrop(FaceBox box, int width, int height) =>
        ImageNetTensor.Clip(new SKRectI((int)(box.X - box.Width / 4), (int)(box.Y - box.Height / 4),
            (int)(box.Right + box.Width / 4), (int)(box.Bottom + box.Height / 4)), width, height);

    public void Dispose() => _model.Dispose();
}
