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
        using var embedder = new FaceEmbedder(ModelPath, ModelSessions.Uncached);
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

/// <summary>The rewrite on a small graph made for it: steep and negative slopes, and a PRelu it must leave alone.</summary>
public sealed class PReluRewriteTests
{
    const int Channels = 6, Side = 10; // 10 -> 8 -> 6: the last image is as wide as it has channels

    [Fact]
    public void Should_ComputeTheSameValues_When_SlopesAreSteepNegativeOrMixed()
    {
        // Given: conv -> PRelu (per channel: slopes above 1, below 0, between) -> depthwise conv -> PRelu with a
        // slope of dimensions [C] (it broadcasts along the width, so it is not per channel) -> 1x1 conv
        var random = new Random(7);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] slopes = [1.6f, -0.4f, 0.25f, 1f, 3f, 0f];
        var model = Model(
            [
                Node("Conv", ["input", "w1", "b1"], ["a"]),
                Node("PRelu", ["a", "s1"], ["b"]),
                new(1, 2, 0, WithGroup(Channels, "Conv", "dw", ["b", "w2"], ["c"])),
                Node("PRelu", ["c", "s2"], ["d"]),
                Node("Conv", ["d", "w3"], ["output"]),
            ],
            [
                new("w1", [Channels, 3, 3, 3], Values(Channels * 27)), new("b1", [Channels], Values(Channels)),
                new("s1", [Channels, 1, 1], slopes),
                new("w2", [Channels, 1, 3, 3], Values(Channels * 9)),
                new("s2", [Channels], Values(Channels)),
                new("w3", [4, Channels, 1, 1], Values(4 * Channels)),
            ]);

        // When
        var rewritten = PReluRewrite.Apply(model, out int count);

        // Then: the per-channel PRelu became BatchNormalization, Relu and Add (its steep channels moved into the
        // convolutions around it), the [C] one stayed, and the outputs agree on random inputs
        Assert.Equal(1, count);
        Assert.Single(OnnxGraphEditor.Nodes(rewritten), n => n.OpType == "PRelu");
        using var options = ModelCatalog.CreateOptions();
        using var before = new InferenceSession(model, options);
        using var after = new InferenceSession(rewritten, options);
        for (int trial = 0; trial < 5; trial++)
        {
            var input = Values(3 * Side * Side).Select(v => v * 4).ToArray();
            var expected = Run(before, input);
            var actual = Run(after, input);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-4f, $"output {i}: {expected[i]} against {actual[i]}");
        }
    }

    static float[] Run(InferenceSession session, float[] input)
    {
        using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 3, Side, Side]);
        using var outputs = session.Run(new RunOptions(), ["input"], [value], ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    static OnnxGraphEditor.Field Node(string op, string[] inputs, string[] outputs) =>
        OnnxGraphEditor.NodeField(op, outputs[0] + "_node", inputs, outputs);

    /// <summary>A node with the integer attribute group (a depthwise convolution).</summary>
    static byte[] WithGroup(long group, string op, string name, string[] inputs, string[] outputs)
    {
        var node = OnnxGraphEditor.Parse(OnnxGraphEditor.NodeField(op, name, inputs, outputs).Bytes);
        node.Add(new OnnxGraphEditor.Field(5, 2, 0, OnnxGraphEditor.Encode([
            new OnnxGraphEditor.Field(1, 2, 0, System.Text.Encoding.UTF8.GetBytes("group")),
            new OnnxGraphEditor.Field(3, 0, (ulong)group, default),
            new OnnxGraphEditor.Field(20, 0, 2 /* INT */, default)])));
        return OnnxGraphEditor.Encode(node);
    }

    /// <summary>An opset-9 model of <paramref name="nodes"/> with a float input [1, 3, Side, Side] and one float output.</summary>
    static byte[] Model(OnnxGraphEditor.Field[] nodes, OnnxGraphEditor.FloatTensor[] initializers)
    {
        static OnnxGraphEditor.Field Bytes(int number, byte[] value) => new(number, 2, 0, value);
        static byte[] Text(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        byte[] ValueInfo(string name, long[] dims)
        {
            var tensorType = new List<OnnxGraphEditor.Field>
            {
                new(1, 0, 1 /* FLOAT */, default),
                Bytes(2, OnnxGraphEditor.Encode(dims.Select(d => Bytes(1, OnnxGraphEditor.Encode([new(1, 0, (ulong)d, default)]))))),
            };
            return OnnxGraphEditor.Encode([Bytes(1, Text(name)), Bytes(2, OnnxGraphEditor.Encode([Bytes(1, OnnxGraphEditor.Encode(tensorType))]))]);
        }
        var graph = nodes.ToList();
        graph.Add(Bytes(2, Text("test")));
        graph.AddRange(initializers.Select(OnnxGraphEditor.InitializerField));
        graph.Add(Bytes(11, ValueInfo("input", [1, 3, Side, Side])));
        graph.Add(Bytes(12, OnnxGraphEditor.FloatOutput("output")));
        return OnnxGraphEditor.Encode([
            new(1, 0, 7, default), // ir_version
            Bytes(7, OnnxGraphEditor.Encode(graph)),
            Bytes(8, OnnxGraphEditor.Encode([Bytes(1, []), new(2, 0, 9, default)])), // opset_import: "" 9
        ]);
    }
}
