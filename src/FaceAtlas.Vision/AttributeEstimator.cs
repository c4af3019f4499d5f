using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// Age and gender (fr_age.onnx, fr_gender.onnx: SSR-Net, a 64x64 crop of the detector's box grown 1.4x) and head
/// pose (fr_pose.onnx: Hopenet-style, a 224x224 crop of the box grown 1.5x, 66 bins of 3 degrees a angle), with
/// the pre-processing of the package that ships them (faceplugin-face-recognition-js lib/fr_age.js, fr_pose.js):
/// colour planes normalised with ImageNet's mean and standard deviation. One change, by measurement: SSR-Net gets
/// its planes in B, G, R order (as OpenCV-trained models do), not the package's R, G, B, which takes gender on
/// deepface-tests from 65 % to 81 % right and halves how often one person's faces disagree (bench -- attributes).
/// </summary>
public sealed class AttributeEstimator : IDisposable
{
    const int SsrSide = 64, PoseSide = 224, PoseBins = 66;
    static readonly string[] SsrOutputs =
    [
        "prob_stage_1", "prob_stage_2", "prob_stage_3", "stage1_delta_k", "stage2_delta_k", "stage3_delta_k",
        "index_offset_stage1", "index_offset_stage2", "index_offset_stage3",
    ];

    /// <summary>Laplacian variance (grey levels squared) at which sharpness is 0.5; the median of LFW's faces is about 3 times this.</summary>
    const float HalfSharpVariance = 200;

    readonly OnnxModel _age, _gender, _pose;
    readonly TensorPool _ssrInputs = new(3 * SsrSide * SsrSide);
    readonly TensorPool _poseInputs = new(3 * PoseSide * PoseSide);

    public AttributeEstimator(string modelDirectory, SessionOptions options)
    {
        var ssrOutputs = SsrOutputs.Select(n => (n, (int[]?)null)).ToArray();
        _age = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Age), options, "input", [1, 3, SsrSide, SsrSide], ssrOutputs);
        _gender = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Gender), options, "input", [1, 3, SsrSide, SsrSide], ssrOutputs);
        _pose = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Pose), options, "input", [1, 3, PoseSide, PoseSide],
            ("output", [1, PoseBins]), ("617", [1, PoseBins]), ("618", [1, PoseBins]));
    }

    /// <summary>
    /// The attributes of the face the detector boxed at <paramref name="detectorBox"/> in <paramref name="image"/>;
    /// <paramref name="faceSide"/> is the face's side in pixels of the full-size photo (the image may be reduced).
    /// </summary>
    public FaceAttributes Estimate(PixelImage image, FaceBox detectorBox, float faceSide)
    {
        var ssr = _ssrInputs.Rent();
        var pose = _poseInputs.Rent();
        try
        {
            FillImageNet(image, SsrCrop(detectorBox, image.Width, image.Height), SsrSide, bgr: true, ssr, out float laplacianVariance);
            float age = RunSsr(_age, ssr) * 101;
            float maleness = Math.Clamp(RunSsr(_gender, ssr), 0, 1);
            FillImageNet(image, PoseCrop(detectorBox, image.Width, image.Height), PoseSide, bgr: false, pose, out _);
            var headPose = RunPose(pose);
            float sharpness = laplacianVariance / (laplacianVariance + HalfSharpVariance);
            return new FaceAttributes(age, maleness, headPose, sharpness, FaceAttributes.QualityOf(faceSide, headPose, sharpness));
        }
        finally
        {
            _ssrInputs.Return(ssr);
            _poseInputs.Return(pose);
        }
    }

    /// <summary>SSR-Net's soft stagewise regression (mergeAge in the package, stages of 3 bins, both lambdas 1), in 0..1.</summary>
    static float RunSsr(OnnxModel model, float[] input)
    {
        using var o = model.Run(input);
        Span<float> x = stackalloc float[21];
        int at = 0;
        for (int i = 0; i < o.Count; i++)
            foreach (float v in o[i].GetTensorDataAsSpan<float>()) x[at++] = v;
        return SoftStagewise(x);
    }

    /// <summary>x: prob stage 1..3 (3 each), delta k 1..3, index offsets 1..3 (3 each).</summary>
    internal static float SoftStagewise(ReadOnlySpan<float> x)
    {
        const int s = 3;
        float a = 0, b = 0, c = 0;
        for (int i = 0; i < s; i++) a += (i + x[12 + i]) * x[i];
        for (int i = 0; i < s; i++) b += (i + x[15 + i]) * x[3 + i];
        for (int i = 0; i < s; i++) c += (i + x[18 + i]) * x[6 + i];
        float k1 = s * (1 + x[9]), k2 = s * (1 + x[10]), k3 = s * (1 + x[11]);
        return a / k1 + b / k1 / k2 + c / k1 / k2 / k3;
    }

    HeadPose RunPose(float[] input)
    {
        using var o = _pose.Run(input);
        return new HeadPose(Expectation(o[0].GetTensorDataAsSpan<float>()), Expectation(o[1].GetTensorDataAsSpan<float>()),
            Expectation(o[2].GetTensorDataAsSpan<float>()));
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

    /// <summary>The box grown 1.4x about its centre, shifted back inside the image where it sticks out (the package's alignAgeImage).</summary>
    internal static SKRectI SsrCrop(FaceBox box, int width, int height)
    {
        float scale = Math.Min(1.4f, Math.Min((height - 1) / box.Height, (width - 1) / box.Width));
        float w = box.Width * scale, h = box.Height * scale;
        float left = box.X + box.Width / 2 - w / 2, top = box.Y + box.Height / 2 - h / 2;
        left = Math.Clamp(left, 0, Math.Max(0, width - 1 - w));
        top = Math.Clamp(top, 0, Math.Max(0, height - 1 - h));
        return Clip(new SKRectI((int)left, (int)top, (int)(left + w), (int)(top + h)), width, height);
    }

    /// <summary>The box grown by a quarter of its size on every side, clipped to the image (the package's predictPose).</summary>
    internal static SKRectI PoseCrop(FaceBox box, int width, int height) =>
        Clip(new SKRectI((int)(box.X - box.Width / 4), (int)(box.Y - box.Height / 4),
            (int)(box.Right + box.Width / 4), (int)(box.Bottom + box.Height / 4)), width, height);

    static SKRectI Clip(SKRectI r, int width, int height)
    {
        int l = Math.Clamp(r.Left, 0, width - 1), t = Math.Clamp(r.Top, 0, height - 1);
        return new SKRectI(l, t, Math.Clamp(r.Right, l + 1, width), Math.Clamp(r.Bottom, t + 1, height));
    }

    /// <summary>
    /// The crop resized to side x side into colour planes (R, G, B or B, G, R), (v/255 - mean)/std with ImageNet's
    /// figures (listed for R, G, B, and used in that plane order whatever the colours); also the variance
    /// of the Laplacian of the crop's grey centre (the face without the margin), a measure of how sharp it is.
    /// </summary>
    static void FillImageNet(PixelImage image, SKRectI crop, int side, bool bgr, Span<float> tensor, out float laplacianVariance)
    {
        using var subset = new SKBitmap();
        if (!image.Bitmap.ExtractSubset(subset, crop))
            throw new InvalidOperationException($"crop {crop} outside a {image.Width}x{image.Height} image");
        using var small = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        subset.ScalePixels(small, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var px = small.GetPixelSpan();
        int rowBytes = small.RowBytes, plane = side * side, r = bgr ? 2 : 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int p = y * rowBytes + x * 4, o = y * side + x;
                tensor[o] = (px[p + r] / 255f - 0.485f) / 0.229f;
                tensor[plane + o] = (px[p + 1] / 255f - 0.456f) / 0.224f;
                tensor[2 * plane + o] = (px[p + 2 - r] / 255f - 0.406f) / 0.225f;
            }
        laplacianVariance = LaplacianVariance(px, rowBytes, side);
    }

    static float LaplacianVariance(ReadOnlySpan<byte> px, int rowBytes, int side)
    {
        int from = side / 6, to = side - side / 6;
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int y = from; y < to; y++)
            for (int x = from; x < to; x++)
            {
                float lap = 4 * Grey(px, rowBytes, x, y) - Grey(px, rowBytes, x - 1, y) - Grey(px, rowBytes, x + 1, y)
                    - Grey(px, rowBytes, x, y - 1) - Grey(px, rowBytes, x, y + 1);
                sum += lap;
                sumSquares += lap * lap;
                n++;
            }
        double mean = sum / n;
        return (float)(sumSquares / n - mean * mean);
    }

    static float Grey(ReadOnlySpan<byte> px, int rowBytes, int x, int y)
    {
        int p = y * rowBytes + x * 4;
        return 0.299f * px[p] + 0.587f * px[p + 1] + 0.114f * px[p + 2];
    }

    public void Dispose()
    {
        _age.Dispose();
        _gender.Dispose();
        _pose.Dispose();
    }
}
