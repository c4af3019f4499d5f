using FaceAtlas.Core.Search;
using FaceAtlas.Vectors;

namespace FaceAtlas.Core.Tests;

/// <summary>The search index ranks again only candidates within its margin: the 4-bit walk must err by far less.</summary>
public sealed class RankingMarginTests
{
    [Fact]
    public void Should_MissTheFloatSimilarityByFarLessThanTheRankingMargin_When_Walking()
    {
        // Given: face-like unit vectors (Gaussian components), pairs of which are scored as the walk scores them
        var faces = new SyntheticFaces(seed: 3);
        var errors = new List<double>();
        for (int trial = 0; trial < 3000; trial++)
        {
            var a = faces.Direction();
            var b = trial % 2 == 0 ? faces.Face(a, 0.03) : faces.Direction(); // the same person, or strangers
            var code = new byte[Int4Codes.CodeBytes(a.Length)];
            float step = Int4Codes.Encode(a, code);
            var query = WalkQuery.From(b);
            double exact = 0;
            for (int i = 0; i < a.Length; i++) exact += a[i] * b[i];
            errors.Add(Int4Codes.Similarity(code, step, query.Values, query.Sum, query.Factor) - exact);
        }

        // Then: the error is about 0.005 (one standard deviation), so that ranking again only the candidates within
        // SearchIndex.RankingMargin of the k-th best loses nothing
        double sd = Math.Sqrt(errors.Sum(e => e * e) / errors.Count);
        Assert.InRange(sd, 0.001, 0.008);
        Assert.True(errors.Max(Math.Abs) < SearchIndex.RankingMargin / 2, $"largest error {errors.Max(Math.Abs):F4}");
    }
}
