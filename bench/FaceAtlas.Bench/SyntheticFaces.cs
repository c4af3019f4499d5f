using System.Numerics.Tensors;
using FaceAtlas.Vision;

namespace FaceAtlas.Bench;

/// <summary>
/// Embeddings of people who do not exist, made like real ones: an identity's centre drawn from a Gaussian with the
/// mean and covariance of real identities' means (so strangers are as alike as real strangers are), its faces
/// spread about the centre by Gaussian noise.
/// </summary>
internal static class SyntheticFaces
{
    const int Dims = FaceEmbedder.Dimensions;

    /// <summary>The L2-normalised mean of some embeddings.</summary>
    public static float[] Mean(IEnumerable<float[]> vectors)
    {
        var sum = new float[Dims];
        foreach (var v in vectors) TensorPrimitives.Add(sum, v, sum);
        FaceEmbedder.Normalize(sum);
        return sum;
    }

    /// <summary>One face of the identity at <paramref name="centre"/>: the centre plus noise of <paramref name="noise"/> per dimension, normalised.</summary>
    public static float[] Face(Random random, float[] centre, double noise)
    {
        var v = Gaussian(random, noise);
        TensorPrimitives.Add(v, centre, v);
        FaceEmbedder.Normalize(v);
        return v;
    }

    public static float[] Gaussian(Random random, double sigma)
    {
        var v = new float[Dims];
        for (int j = 0; j < Dims; j += 2)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble(), r = Math.Sqrt(-2 * Math.Log(u1)) * sigma;
            v[j] = (float)(r * Math.Cos(2 * Math.PI * u2));
            v[j + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return v;
    }

    /// <summary>
    /// Draws identity centres from N(mean, covariance) of the given identity means (through the covariance's
    /// Cholesky factor), normalised: new people whose embeddings are distributed as real people's are.
    /// </summary>
    public sealed class IdentitySampler
    {
        readonly float[] _mean = new float[Dims];
        readonly float[][] _lower; // rows of the Cholesky factor L, covariance = L L^T

        public IdentitySampler(List<float[]> means)
        {
            foreach (var m in means) TensorPrimitives.Add(_mean, m, _mean);
            TensorPrimitives.Divide(_mean, means.Count, _mean);
            var cov = new double[Dims, Dims];
            var d = new float[Dims];
            foreach (var m in means)
            {
                TensorPrimitives.Subtract(m, _mean, d);
                for (int i = 0; i < Dims; i++)
                    for (int j = 0; j <= i; j++) cov[i, j] += d[i] * d[j];
            }
            for (int i = 0; i < Dims; i++)
                for (int j = 0; j <= i; j++) cov[i, j] /= means.Count - 1;
            for (int i = 0; i < Dims; i++) cov[i, i] += 1e-6; // ridge: 4,000 means barely determine 512 dimensions
            var l = new double[Dims, Dims];
            for (int i = 0; i < Dims; i++)
                for (int j = 0; j <= i; j++)
                {
                    double sum = cov[i, j];
                    for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                    l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[j, j];
                }
            _lower = Enumerable.Range(0, Dims).Select(i => Enumerable.Range(0, Dims).Select(j => (float)l[i, j]).ToArray()).ToArray();
        }

        public float[] Next(Random random)
        {
            var z = Gaussian(random, 1);
            var c = new float[Dims];
            for (int i = 0; i < Dims; i++) c[i] = _mean[i] + TensorPrimitives.Dot(_lower[i], z);
            FaceEmbedder.Normalize(c);
            return c;
        }
    }
}
