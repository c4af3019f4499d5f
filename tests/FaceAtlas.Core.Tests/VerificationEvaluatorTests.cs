using FaceAtlas.Core.Evaluation;

namespace FaceAtlas.Core.Tests;

public sealed class VerificationEvaluatorTests
{
    [Fact]
    public void Should_FindSeparatingThreshold_When_ScoresSeparate()
    {
        // Given: same pairs score 0.6..0.9, different pairs -0.1..0.2
        var pairs = Enumerable.Range(0, 40).Select(i => new FacePair($"a{i}", $"b{i}", i % 2 == 0)).ToList();
        var vectors = new Dictionary<string, float[]>();
        foreach (var (p, i) in pairs.Select((p, i) => (p, i)))
        {
            double sim = p.Same ? 0.6 + 0.3 * i / 40 : -0.1 + 0.3 * i / 40;
            vectors[p.First] = [1, 0];
            vectors[p.Second] = [(float)sim, (float)Math.Sqrt(1 - sim * sim)];
        }

        var report = VerificationEvaluator.Evaluate(pairs, vectors.GetValueOrDefault, threshold: 0.3);

        Assert.Equal(1.0, report.BestAccuracy);
        Assert.Equal(1.0, report.CrossValidatedAccuracy);
        Assert.InRange(report.BestThreshold, 0.2, 0.6);
        Assert.Equal(1.0, report.AccuracyAtThreshold);
    }

    [Fact]
    public void Should_CountMissingFaceAsDifferent_When_EmbeddingIsAbsent()
    {
        var pairs = new List<FacePair> { new("a", "b", true), new("c", "d", false) };
        var vectors = new Dictionary<string, float[]> { ["a"] = [1, 0], ["c"] = [1, 0], ["d"] = [0, 1] };

        var report = VerificationEvaluator.Evaluate(pairs, vectors.GetValueOrDefault, threshold: 0.3, folds: 2);

        Assert.Equal(1, report.PairsMissingAFace);
        Assert.Equal(0.5, report.AccuracyAtThreshold);
    }

    [Fact]
    public void Should_ReadBothPairKinds_When_ParsingLfwPairs()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("pairs.txt"), "2\nAaron_Peirsol\t1\t2\nAbdel_Madi_Shabneh\t1\tDean_Barker\t1\n");

        var pairs = PairsFile.Read(temp.File("pairs.txt"), "/lfw");

        Assert.Equal([new("/lfw/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "/lfw/Aaron_Peirsol/Aaron_Peirsol_0002.jpg", true),
            new("/lfw/Abdel_Madi_Shabneh/Abdel_Madi_Shabneh_0001.jpg", "/lfw/Dean_Barker/Dean_Barker_0001.jpg", false)], pairs);
    }
}
