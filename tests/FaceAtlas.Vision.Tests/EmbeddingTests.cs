using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

public sealed class EmbeddingTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    float[] CentralEmbedding(string path)
    {
        var analysis = fixture.Analyze(path);
        Assert.NotEmpty(analysis.Faces);
        return analysis.Faces.MinBy(f =>
        {
            float dx = f.Box.X + f.Box.Width / 2 - analysis.Width / 2f, dy = f.Box.Y + f.Box.Height / 2 - analysis.Height / 2f;
            return dx * dx + dy * dy;
        })!.Embedding;
    }

    [DatasetFact]
    public void Should_BeL2Normalised_When_Embedded()
    {
        var e = CentralEmbedding(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));

        Assert.Equal(FaceEmbedder.Dimensions, e.Length);
        Assert.Equal(1.0, Math.Sqrt(e.Sum(v => (double)v * v)), 4);
    }

    [DatasetFact]
    public void Should_BeNearlyIdentical_When_SamePhotoIsReencoded()
    {
        // Given: the same photo, and a copy re-encoded as a lower-quality JPEG
        var path = Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg");
        using var bitmap = TestPhotos.DecodeRgba(path);
        var reencoded = TestPhotos.Jpeg(bitmap, 70);

        // When
        var a = CentralEmbedding(path);
        var b = fixture.Analyzer.Analyze(reencoded).Faces.Single(f => f.Box.IoU(fixture.Analyze(path).Faces[0].Box) > 0.5).Embedding;

        // Then
        Assert.True(FaceEmbedder.Similarity(a, b) > 0.97, $"similarity {FaceEmbedder.Similarity(a, b):F3}");
    }

    [DatasetFact]
    public void Should_SeparateSameFromDifferentPeople_When_GivenLfwPairs()
    {
        // Given: the first 120 same-person and 120 different-person pairs of LFW's development pairs
        var pairs = Core_Pairs(Datasets.At("lfw-protocol", "pairs-dev.txt"), Datasets.At("lfw-dev"));
        var sample = pairs.Where(p => p.Same).Take(120).Concat(pairs.Where(p => !p.Same).Take(120)).ToList();

        // When
        var cache = new Dictionary<string, float[]>();
        float[] Embed(string p) => cache.TryGetValue(p, out var e) ? e : cache[p] = CentralEmbedding(p);
        var scored = sample.Select(p => (Sim: FaceEmbedder.Similarity(Embed(p.A), Embed(p.B)), p.Same)).ToList();

        // Then
        double same = scored.Where(s => s.Same).Average(s => s.Sim), different = scored.Where(s => !s.Same).Average(s => s.Sim);
        double accuracy = scored.Count(s => (s.Sim >= FaceEmbedder.SamePersonThreshold) == s.Same) / (double)scored.Count;
        Assert.True(same > 0.55, $"same-person mean similarity {same:F3}");
        Assert.True(different < 0.1, $"different-person mean similarity {different:F3}");
        Assert.True(accuracy >= 0.97, $"accuracy {accuracy:P1} at threshold {FaceEmbedder.SamePersonThreshold}");
    }

    /// <summary>LFW pairs read independently of the product's reader, so a bug there cannot hide here.</summary>
    static List<(string A, string B, bool Same)> Core_Pairs(string file, string root)
    {
        string P(string name, string n) => Path.Combine(root, name, $"{name}_{int.Parse(n):D4}.jpg");
        return File.ReadLines(file).Skip(1).Select(l => l.Split('\t')).Select(f => f.Length == 3
            ? (P(f[0], f[1]), P(f[0], f[2]), true)
            : (P(f[0], f[1]), P(f[2], f[3]), false)).ToList();
    }
}
