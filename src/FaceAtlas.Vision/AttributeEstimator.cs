using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// Age and gender (fr_age.onnx, fr_gender.onnx: SSR-Net, a 64x64 crop of the detector's box grown 1.4x), with the
/// pre-processing of the package that ships them (faceplugin-face-recognition-js lib/fr_age.js): colour planes
/// normalised with ImageNet's mean and standard deviation. One change, by measurement: SSR-Net gets its planes in
/// B, G, R order (as OpenCV-trained models do), not the package's R, G, B, which takes gender on deepface-tests
/// from 65 % to 81 % right and halves how often one person's faces disagree (bench -- attributes). Sharpness comes
/// from the same crop; head pose is given (from the landmarks), and the quality score joins them.
/// </summary>
public sealed class AttributeEstimator : IDisposable
{
    internal const int SsrSide = 64;
    static readonly string[] SsrOutputs =
    [
        "prob_stage_1", "prob_stage_2", "prob_stage_3", "stage1_delta_k", "stage2_delta_k", "stage3_delta_k",
        "index_offset_stage1", "index_offset_stage2", "index_offset_stage3",
    ];

    /// <summary>Laplacian variance (grey levels squared) at which sharpness is 0.5; the median of LFW's faces is about 3 times this.</summary>
    const float HalfSharpVariance = 200;

    readonly OnnxModel _age, _gender;
    readonly TensorPool _ssrInputs = new(3 * SsrSide * SsrSide);

    public AttributeEstimator(string modelDirectory, ModelSessions sessions)
    {
        var ssrOutputs = SsrOutputs.Select(n => (n, (int[]?)null)).ToArray();
        _age = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Age), null, sessions, "input", [1, 3, SsrSide, SsrSide], ssrOutputs);
        _gender = new OnnxModel(Path.Combine(modelDirectory, ModelCatalog.Gender), null, sessions, "input", [1, 3, SsrSide, SsrSide], ssrOutputs);
    }

    /// <summary>
    /// The attributes of the face the detector boxed at <paramref name="detectorBox"/> in <paramref name="image"/>,
    /// turned as <paramref name="pose"/> says; <paramref name="faceSide"/> is the face's side in pixels of the
    /// full-size photo (the image may be reduced).
    /// </summary>
    public FaceAttributes Estimate(PixelImage image, FaceBox detectorBox, float faceSide, HeadPose pose)
    {
        var ssr = _ssrInputs.Rent();
        try
        {
            ImageNetTensor.Fill(image, SsrCrop(detectorBox, image.Width, image.Height), SsrSide, bgr: true, ssr, out float laplacianVariance);
            float age = RunSsr(_age, ssr) * 101;
            float maleness = Math.Clamp(RunSsr(_gender, ssr), 0, 1);
            float sharpness = Sharpness(laplacianVariance);
            return new FaceAttributes(age, maleness, pose, sharpness, FaceAttributes.QualityOf(faceSide, pose, sharpness));
        }
        finally
        {
            _ssrInputs.Return(ssr);
        }
    }

    /// <summary>How sharp a crop is, 0..1, from the variance of its Laplacian (0.5 at <see cref="HalfSharpVariance"/>).</summary>
    internal static float Sharpness(float laplacianVariance) => laplacianVariance / (laplacianVariance + HalfSharpVariance);

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

    /// <summary>The box grown 1.4x about its centre, shifted back inside the image where it sticks out (the package's alignAgeImage).</summary>
    internal static SKRectI SsrCrop(FaceBox box, int width, int height)
    {
        float scale = Math.Min(1.4f, Math.Min((height - 1) / box.Height, (width - 1) / box.Width));
        float w = box.Width * scale, h = box.Height * scale;
        float left = box.X + box.Width / 2 - w / 2, top = box.Y + box.Height / 2 - h / 2;
        left = Math.Clamp(left, 0, Math.Max(0, width - 1 - w));
        top = Math.Clamp(top, 0, Math.Max(0, height - 1 - h));
        return ImageNetTensor.Clip(new SKRectI((int)left, (int)top, (int)(left + w), (int)(top + h)), width, height);
    }

    public void Dispose()
    {
        _age.Dispose();
        _gender.Dispose();
    }
}
