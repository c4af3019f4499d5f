using System.Runtime.Intrinsics.X86;
using FaceAtlas.Vectors;

namespace FaceAtlas.Vectors.Tests;

/// <summary>The search graph's 4-bit codes: what a code keeps of a vector, and the vector kernels against plain loops.</summary>
public sealed class Int4CodesTests
{
    static float[] UnitVector(Random random, int dims)
    {
        var v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) norm += (v[i] = (float)(random.NextDouble() * 2 - 1) * (i % 7 == 0 ? 3 : 1)) * v[i];
        for (int i = 0; i < dims; i++) v[i] /= (float)Math.Sqrt(norm);
        return v;
    }

    [Theory]
    [InlineData(512)]
    [InlineData(100)] // not a multiple of 64: padded dimensions must weigh nothing
    public void Should_KeepEveryComponentWithinHalfAStep_When_Encoding(int dims)
    {
        var random = new Random(dims);
        var v = UnitVector(random, dims);
        var code = new byte[Int4Codes.CodeBytes(dims)];

        float step = Int4Codes.Encode(v, code);

        Assert.True(step > 0);
        for (int i = 0; i < dims; i++)
            Assert.InRange(v[i] - (Int4Codes.Level(code, i) - 7.5f) * step, -step / 2 - 1e-6f, step / 2 + 1e-6f);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(100)]
    public void Should_ScoreAsThePlainLoopDoes_When_UsingVectorInstructions(int dims)
    {
        var random = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var a = UnitVector(random, dims);
            var b = UnitVector(random, dims);
            var codeA = new byte[Int4Codes.CodeBytes(dims)];
            var codeB = new byte[Int4Codes.CodeBytes(dims)];
            float stepA = Int4Codes.Encode(a, codeA), stepB = Int4Codes.Encode(b, codeB);
            var query = WalkQuery.From(b);

            int expected = Int4Codes.DotScalar(codeA, query.Values);
            if (AvxVnni.IsSupported) Assert.Equal(expected, Int4Codes.DotVnni(codeA, query.Values));
            if (Avx2.IsSupported) Assert.Equal(expected, Int4Codes.DotAvx2(codeA, query.Values));
            Assert.Equal(expected, Int4Codes.Dot(codeA, query.Values));

            // A code as a query gives the exact product of the two codes' levels.
            var asQuery = WalkQuery.FromCode(codeB, dims, stepB, new sbyte[Int4Codes.QueryLength(dims)]);
            double levels = 0;
            for (int i = 0; i < dims; i++) levels += (Int4Codes.Level(codeA, i) - 7.5) * stepA * (Int4Codes.Level(codeB, i) - 7.5) * stepB;
            Assert.Equal(levels, Int4Codes.Similarity(codeA, stepA, asQuery.Values, asQuery.Sum, asQuery.Factor), 5);

            // And the walk's similarity is near the float one (what a 4-bit code is for).
            double exact = 0;
            for (int i = 0; i < dims; i++) exact += a[i] * b[i];
            Assert.True(Math.Abs(exact - Int4Codes.Similarity(codeA, stepA, query.Values, query.Sum, query.Factor)) < 0.03);
        }
    }
}
