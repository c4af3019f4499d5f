using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tests;

public sealed class NeighbourGraphTests
{
    [Fact]
    public void Should_FindNearlyEveryExactEdge_When_UsingTheInvertedFile()
    {
        // Given: 3,000 faces of 300 identities and 600 strangers
        var s = new SyntheticFaces(31);
        var embeddings = new List<float[]>();
        for (int k = 0; k < 300; k++)
        {
            var id = s.Direction();
            for (int i = 0; i < 8; i++) embeddings.Add(s.Face(id));
        }
        for (int i = 0; i < 600; i++) embeddings.Add(s.Direction());

        // When
        var exact = NeighbourGraph.Exact(embeddings, 30, 0.2f).Select(e => (e.A, e.B)).ToHashSet();
        var approximate = ApproximateNeighbourGraph.Build(embeddings, null, 30, 0.2f, exactUpTo: 0).Select(e => (e.A, e.B)).ToHashSet();

        // Then: the same-person edges are found (strangers have none above the floor)
        Assert.True(exact.Count > 8000, $"exact graph has {exact.Count} edges");
        double recall = exact.Count(approximate.Contains) / (double)exact.Count;
        Assert.True(recall > 0.97, $"edge recall {recall:P1}");
    }

    [Fact]
    public void Should_LookOnlyForTheQueriedFaces_When_QueriesAreGiven()
    {
        var s = new SyntheticFaces(32);
        var id = s.Direction();
        var embeddings = Enumerable.Range(0, 10).Select(_ => s.Face(id)).ToList();

        var edges = NeighbourGraph.Exact(embeddings, [3], 30, 0.2f);

        Assert.Equal(9, edges.Count);
        Assert.All(edges, e => Assert.True(e.A == 3 || e.B == 3));
    }
}
