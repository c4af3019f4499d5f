using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>
/// The 512-D face embedder (fr_feature.onnx) on aligned 112x112 crops. Embeddings are L2-normalised, so the
/// dot product of two is their cosine similarity.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    public const int Dimensions = Embeddings.Dimensions;
    public const string ModelId = Embeddings.ModelId;

    /// <summary>
    /// Cosine similarity at or above which two faces are taken for the same person; calibrated on LFW pairs
    /// (docs/QUALITY.md: rerun with <c>faceatlas eval</c>).
    /// </summary>
    public const float SamePersonThreshold = 0.30f;

    readonly OnnxModel _model;
    readonly TensorPool _inputs = new(3 * FaceAligner.Side * FaceAligner.Side);

    /// <summary>
    /// Loads the embedder with its PRelu written as BatchNormalization → Relu → Add (<see cref="PReluRewrite"/>): the
    /// same embeddings to float rounding, in about half the time.
    /// </summary>
    public FaceEmbedder(string modelPath, ModelSessions sessions)
    {
        var rewrite = new ModelEdit("prelu-as-relu-add", shipped => PReluRewrite.Apply(shipped, out _));
        _model = new OnnxModel(modelPath, rewrite, sessions, "input", [1, 3, FaceAligner.Side, FaceAligner.Side], ("output", [1, Dimensions]));
    }

    /// <summary>Aligns the face at <paramref name="points"/> in <paramref name="image"/> and embeds it.</summary>
    public float[] Embed(PixelImage image, FivePoints points)
    {
        var input = _inputs.Rent();
        try
        {
            FaceAligner.WarpToTensor(image, FaceAligner.TransformFor(points), input);
            using var outputs = _model.Run(input);
            var embedding = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Normalize(embedding);
            return embedding;
        }
        finally
        {
            _inputs.Return(input);
        }
    }

    public static void Normalize(Span<float> v) => Embeddings.Normalize(v);

    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Embeddings.Similarity(a, b);

    public void Dispose() => _model.Dispose();
}
