using System.Runtime.InteropServices;
using FaceAtlas.Vision;

namespace FaceAtlas.Vision.Tests;

/// <summary>The protobuf editing under every graph rewrite: what it reads it writes back unchanged, without copies.</summary>
public sealed class OnnxGraphEditorTests
{
    public static TheoryData<string> Models => new(AnalyzerModels.Files);

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_WriteTheSameBytes_When_AModelIsReadAndWrittenBack(string file)
    {
        // Given: a shipped model
        var model = File.ReadAllBytes(Path.Combine(ModelCatalog.FindDirectory(), file));

        // When: its fields, and its graph's, are parsed and written again
        var top = OnnxGraphEditor.Parse(model);
        var graph = OnnxGraphEditor.Parse(top.Single(f => f.Number == 7).Bytes);
        var whole = OnnxGraphEditor.Encode(top);
        var rebuilt = OnnxGraphEditor.WithGraph(top, graph);

        // Then: both ways give the file byte for byte
        Assert.Equal(model, whole);
        Assert.Equal(model, rebuilt);
    }

    [Fact]
    public void Should_ReadFieldsAsSlicesOfTheModel_When_Parsing()
    {
        // Given: the embedder, the largest model (a copy per nesting level made loading it cost more than rewriting it)
        var model = File.ReadAllBytes(Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Embedder));

        // When
        var graphField = OnnxGraphEditor.Parse(model).Single(f => f.Number == 7);
        var initializer = OnnxGraphEditor.Parse(graphField.Bytes).First(f => f.Number == 5);

        // Then: a field nested two levels down still points into the file's own array
        Assert.True(MemoryMarshal.TryGetArray(initializer.Bytes, out var segment));
        Assert.Same(model, segment.Array);
        Assert.True(segment.Offset > 0);
    }
}
