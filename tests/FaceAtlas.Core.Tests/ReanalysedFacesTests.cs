using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Tests;

/// <summary>What becomes of a photo's faces when it is analysed again, detections said not to be faces among them.</summary>
public sealed class ReanalysedFacesTests
{
    static readonly FivePoints Points = new(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10));

    static FaceObservation Found(float x) => new(new FaceBox(x, 20, 40, 40), 0.99f, Points, new float[512]);

    [Fact]
    public void Should_KeepANotFaceWithItsId_When_FoundAgainAtTheSamePlace()
    {
        // Given: a face and a hand the user said is not a face
        IReadOnlyList<(long, FaceBox)> old = [(1, new FaceBox(10, 20, 40, 40)), (2, new FaceBox(200, 20, 40, 40))];

        // When: both found again, the hand shifted by 8 px (IoU 0.67)
        var plan = ReanalysedFaces.Plan(old, [], [Found(12), Found(208)], notFaces: new HashSet<long> { 2 });

        // Then: the hand is the same row (so its mark holds), nothing added or removed
        Assert.Equal([1L, 2L], plan.Kept.Select(k => k.Id));
        Assert.Empty(plan.Added);
        Assert.Empty(plan.Removed);
    }

    [Fact]
    public void Should_NeverRemoveANotFace_When_NotFoundThisTime()
    {
        IReadOnlyList<(long, FaceBox)> old = [(1, new FaceBox(10, 20, 40, 40)), (2, new FaceBox(200, 20, 40, 40)), (3, new FaceBox(400, 20, 40, 40))];

        var plan = ReanalysedFaces.Plan(old, [], [Found(10)], notFaces: new HashSet<long> { 2 });

        // The face not found goes; the not-a-face stays, so that a later analysis finding it there meets the mark
        Assert.Equal([3L], plan.Removed);
        Assert.Equal([1L], plan.Kept.Select(k => k.Id));
    }

    [Fact]
    public void Should_TakeADetectionElsewhereAsNew_When_ItDoesNotOverlapTheNotFace()
    {
        IReadOnlyList<(long, FaceBox)> old = [(2, new FaceBox(200, 20, 40, 40))];

        // 25 px off: IoU 0.23, another place
        var plan = ReanalysedFaces.Plan(old, [], [Found(225)], notFaces: new HashSet<long> { 2 });

        Assert.Empty(plan.Kept);
        Assert.Single(plan.Added);
        Assert.Empty(plan.Removed);
    }
}
