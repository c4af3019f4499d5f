namespace FaceAtlas.Testing;

/// <summary>
/// Unit vectors with the structure of face embeddings: each identity a random direction, each face that direction
/// plus noise, L2-normalised, so faces of one identity have cosine similarity about 0.7 and of different ones about 0.
/// </summary>
public sealed class SyntheticVectors(int seed, int dimensions = 512)
{
    readonly Random _random = new(seed);

    public float[] Direction() => Normalize(Enumerable.Range(0, dimensions).Select(_ => (float)Gaussian()).ToArray());

    public float[] Face(float[] identity, double noise = 0.029) =>
        Normalize(identity.Select(x => x + (float)(Gaussian() * noise)).ToArray());

    double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
