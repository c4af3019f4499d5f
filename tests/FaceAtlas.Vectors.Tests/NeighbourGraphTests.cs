using FaceAtlas.Vectors;

namespace FaceAtlas.Vectors.Tests;

public sealed class NeighbourGraphTests
{
    /// <summary>Faces of identities seen several times, then strangers seen once.</summary>
    static List<float[]> Gallery(int seed, int identities, int facesEach, int strangers)
    {
        var s = new SyntheticVectors(seed);
        var embeddings = new List<float[]>();
        for (int k = 0; k < identities; k++)
        {
            var id = s.Direction();
            for (int i = 0; i < facesEach; i++) embeddings.Add(s.Face(id));
        }
        for (int i = 0; i < strangers; i++) embeddings.Add(s.Direction());
        return embeddings;
    }

    [Fact]
    public void Should_FindNearlyEveryExactEdge_When_UsingTheInvertedFile()
    {
        // Given: 3,000 faces of 300 identities and 600 strangers
        var embeddings = Gallery(31, identities: 300, facesEach: 8, strangers: 600);

        // When
        var exact = NeighbourGraph.Exact(embeddings, 30, 0.2f).Select(e => (e.A, e.B)).ToHashSet();
        var approximate = ApproximateNeighbourGraph.Build(embeddings, null, 30, 0.2f, exactUpTo: 0).Select(e => (e.A, e.B)).ToHashSet();

        // Then: the same-person edges are found (strangers have none above the floor)
        Assert.True(exact.Count > 8000, $"exact graph has {exact.Count} edges");
        double recall = exact.Count(approximate.Contains) / (double)exact.Count;
        Assert.True(recall > 0.97, $"edge recall {recall:P1}");
    }

    [Theory]
    [InlineData(512, 11)] // four-by-four blocks and a remainder of three
    [InlineData(512, 3)]  // a remainder only
    [InlineData(20, 9)]   // a length the vector kernel does not take
    public void Should_ScoreAsOneDotAPair_When_ScoringFourFacesAtOnce(int d, int count)
    {
        // Given: four queries and a run of packed candidates
        var random = new Random(d + count);
        float[] Vector() => Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var queries = Enumerable.Range(0, 4).Select(_ => Vector()).ToArray();
        var candidates = Enumerable.Range(0, count).SelectMany(_ => Vector()).ToArray();
        var scores = new float[4 * count];

        // When
        BlockDot.Four(queries[0], queries[1], queries[2], queries[3], candidates, count, d, scores);

        // Then: every score is the plain dot product (to rounding)
        for (int q = 0; q < 4; q++)
            for (int c = 0; c < count; c++)
            {
                float expected = System.Numerics.Tensors.TensorPrimitives.Dot(queries[q], candidates.AsSpan(c * d, d));
                Assert.Equal(expected, scores[q * count + c], 3);
            }
    }

    [Fact]
    public void Should_KeepEachFacesBestNeighbours_When_ListsAreScoredByBothThreads()
    {
        // Given: 6,000 faces, so lists are scored in parallel, and an inverted file probing every list (exact)
        var embeddings = Gallery(33, identities: 500, facesEach: 10, strangers: 1000);

        // When: every list probed, the inverted file must give the exact graph
        var exact = NeighbourGraph.Exact(embeddings, 5, 0.2f).Select(e => (e.A, e.B)).ToHashSet();
        var approximate = ApproximateNeighbourGraph.Build(embeddings, null, 5, 0.2f, probes: 1000, exactUpTo: 0);

        // Then: the same edges, each pair once
        Assert.Equal(approximate.Count, approximate.Select(e => (e.A, e.B)).Distinct().Count());
        Assert.True(approximate.All(e => e.A < e.B));
        Assert.Equal(exact.OrderBy(e => e), approximate.Select(e => (e.A, e.B)).OrderBy(e => e));
    }

    [Fact]
    public void Should_LookOnlyForTheQueriedFaces_When_QueriesAreGiven()
    {
        var s = new SyntheticVectors(32);
        var id = s.Direction();
        var embeddings = Enumerable.Range(0, 10).Select(_ => s.Face(id)).ToList();

        var edges = NeighbourGraph.Exact(embeddings, [3], 30, 0.2f);

        Assert.Equal(9, edges.Count);
        Assert.All(edges, e => Assert.True(e.A == 3 || e.B == 3));
    }

    [Theory]
    [InlineData(512, 11)]
    [InlineData(20, 9)]
    public void Should_ScoreExactlyAsPacked_When_ScoringCandidatesWhereTheyAre(int d, int count)
    {
        // Given: four queries and candidates kept one array each, taken in a shuffled order
        var random = new Random(d * count);
        float[] Vector() => Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var queries = Enumerable.Range(0, 4).Select(_ => Vector()).ToArray();
        var vectors = Enumerable.Range(0, count).Select(_ => Vector()).ToList();
        var ids = Enumerable.Range(0, count).Reverse().ToArray();
        var packed = new float[4 * count];
        var among = new float[4 * count];

        // When
        BlockDot.Four(queries[0], queries[1], queries[2], queries[3], BlockDot.Pack(vectors, ids), count, d, packed);
        BlockDot.FourAmong(queries[0], queries[1], queries[2], queries[3], vectors, ids, d, among);

        // Then: the same floats, so the graph's edges cannot move
        Assert.Equal(packed, among);
    }
}
