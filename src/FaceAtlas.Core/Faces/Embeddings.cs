using System.Numerics.Tensors;

namespace FaceAtlas.Core.Faces;

/// <summary>
/// The embeddings a catalog holds: unit vectors of <see cref="Dimensions"/> floats from the model
/// <see cref="ModelId"/> (Vision's embedder is that model), so the dot product of two is their cosine similarity.
/// </summary>
public static class Embeddings
{
    public const int Dimensions = 512;
    public const string ModelId = "fr_feature@faceplugin-0.0.1";

    /// <summary>Scales a vector to length 1 (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> v)
    {
        float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(v));
        if (norm > 0) TensorPrimitives.Divide(v, norm, v);
    }

    /// <summary>Cosine similarity of two unit vectors.</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);
}
