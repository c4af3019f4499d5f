using FaceAtlas.Vision;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision.Tests;

/// <summary>The embedder with its PRelu rewritten must embed every face as the shipped graph does.</summary>
public sealed class EmbedderGraphTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    static string ModelPath => Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Embedder);

    [Fact]
    public void Should_LeaveNoPRelu_When_EmbedderIsRewritten()
    {
        // Given: the shipped embedder, whose first PRelu has a channel with a slope above 1
        var shipped = File.ReadAllBytes(ModelPath);
        int before = OnnxGraphEditor.Nodes(shipped).Count(n => n.OpType == "PRelu");

        // When
        var rewritten = PReluRewrite.Apply(shipped, out int count);

        // Then: every PRelu became BatchNormalization, Relu and Add
        var nodes = OnnxGraphEditor.Nodes(rewritten);
        Assert.True(before > 0);
        Assert.Equal(before, count);
        Assert.DoesNotContain(nodes, n => n.OpType == "PRelu");
        Assert.Equal(before, nodes.Count(n => n.OpType == "BatchNormalization"));
    }

    [DatasetTheory]
    [InlineData("group-photos/dlib_voc_2008_001009.jpg")]
    [InlineData("group-photos/deepface_couple.jpg")]
    [InlineData("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg")]
    [InlineData("lfw-dev/Abel_Pacheco/Abel_Pacheco_0003.jpg")]
    public void Should_EmbedAsShippedGraph_When_PReluIsRewritten(string photo)
    {
        // Given: the faces of a real photo aligned as indexing aligns them, and the shipped graph in its own session
        var bytes = File.ReadAllBytes(Datasets.At(photo.Split('/')));
        var faces = fixture.Analyzer.Analyze(bytes).Faces;
        using var decoded = PhotoDecoder.Decode(bytes);
        using var options = ModelCatalog.CreateOptions();
        using var shipped = new InferenceSession(ModelPath, options);
        using var embedder = new FaceEmbedder(ModelPath, options);
        Assert.NotEmpty(faces);

        foreach (var face in faces)
        {
            // When
            var input = new float[3 * FaceAligner.Side * FaceAligner.Side];
            FaceAligner.WarpToTensor(decoded.Image, FaceAligner.TransformFor(face.Points), input);
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, FaceAligner.Side, FaceAligner.Side]);
            using var outputs = shipped.Run(new RunOptions(), ["input"], [value], ["output"]);
            var expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            FaceEmbedder.Normalize(expected);
            var actual = embedder.Embed(decoded.Image, face.Points);

            // Then: the same embedding, to float rounding
            float similarity = FaceEmbedder.Similarity(expected, actual);
            float largest = expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second));
            Assert.True(similarity > 0.99999f, $"{photo}: similarity {similarity:F7}");
            Assert.True(largest < 1e-4f, $"{photo}: largest difference {largest:E2}");
        }
    }
}
