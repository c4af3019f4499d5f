using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// Embeddings with realistic structure: each identity a random direction, each face that direction plus noise,
/// L2-normalised, so faces of one identity have cosine similarity about 0.7 and of different ones about 0.
/// </summary>
internal sealed class SyntheticFaces(int seed, int dimensions = 512)
{
    readonly Random _random = new(seed);
    long _nextFace = 1, _nextPhoto = 1;

    public float[] Direction() => Normalize(Enumerable.Range(0, dimensions).Select(_ => (float)Gaussian()).ToArray());

    public float[] Face(float[] identity, double noise = 0.029)
    {
        var v = identity.Select(x => x + (float)(Gaussian() * noise)).ToArray();
        return Normalize(v);
    }

    public StoredFace Stored(float[] embedding, long? photo = null, long? person = null, FaceAssignment assignment = FaceAssignment.None,
        params long[] rejected) =>
        new(_nextFace++, photo ?? _nextPhoto++, embedding, person, person is null ? FaceAssignment.None : assignment, rejected);

    double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
