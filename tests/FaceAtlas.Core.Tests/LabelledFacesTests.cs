using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Tests;

public sealed class LabelledFacesTests
{
    static readonly FivePoints Points = new(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10));

    static FaceRecord Face(long id, PhotoRef photo, FaceBox box) => new(id, photo, box, 0.9f, Points, null, null);

    [Fact]
    public void Should_PickTheFaceOverTheCentre_When_ALargerFaceIsBesideIt()
    {
        // Given: an LFW-style 250x250 crop around a face (90 px, over the centre) with a larger face (122 px) in the
        // corner beside it, large enough to win when size counts most
        var photo = new PhotoRef(1, "/set/Kate_Capshaw/Kate_Capshaw_0002.jpg", 250, 250);
        var centred = Face(1, photo, new FaceBox(80, 75, 90, 90));
        var beside = Face(2, photo, new FaceBox(128, 0, 122, 122));

        var picked = LabelledFaces.Pick([beside, centred]);

        // Then: the centred face is the labelled one, named after its folder
        var (identity, face) = Assert.Single(picked);
        Assert.Equal("Kate_Capshaw", identity);
        Assert.Equal(1, face.Id);
    }

    [Fact]
    public void Should_PickTheNearestOfTheFacesOverTheCentre_When_TwoBoxesHoldIt()
    {
        var photo = new PhotoRef(1, "/set/A/a.jpg", 250, 250);
        var large = Face(1, photo, new FaceBox(38, 38, 160, 160));  // centre (118, 118): 10 px off
        var near = Face(2, photo, new FaceBox(80, 80, 90, 90));     // centre (125, 125): on it

        Assert.Equal(2, Assert.Single(LabelledFaces.Pick([large, near])).Face.Id);
    }

    [Fact]
    public void Should_PickTheLargestFace_When_NoBoxHoldsTheCentre()
    {
        // Given: a portrait whose subject stands left of the centre, a small face in the background on the right
        var photo = new PhotoRef(1, "/set/B/b.jpg", 4000, 3000);
        var subject = Face(1, photo, new FaceBox(500, 600, 900, 900));
        var background = Face(2, photo, new FaceBox(2600, 1400, 150, 150));

        Assert.Equal(1, Assert.Single(LabelledFaces.Pick([background, subject])).Face.Id);
    }

    [Fact]
    public void Should_PickTheSubject_When_OnlyAFarSmallerFaceIsOverTheCentre()
    {
        // Given: the subject close to the camera on the left, a passer-by far behind, right over the photo's centre
        var photo = new PhotoRef(1, "/set/C/c.jpg", 4000, 3000);
        var subject = Face(1, photo, new FaceBox(300, 500, 1200, 1200));
        var passerBy = Face(2, photo, new FaceBox(1950, 1450, 120, 120));

        Assert.Equal(1, Assert.Single(LabelledFaces.Pick([passerBy, subject])).Face.Id);
    }

    [Fact]
    public void Should_PickOneFacePerPhoto_When_PhotosHaveSeveral()
    {
        var first = new PhotoRef(1, "/set/A/a1.jpg", 250, 250);
        var second = new PhotoRef(2, "/set/A/a2.jpg", 250, 250);

        var picked = LabelledFaces.Pick([
            Face(1, first, new FaceBox(70, 70, 110, 110)), Face(2, first, new FaceBox(0, 0, 60, 60)),
            Face(3, second, new FaceBox(190, 190, 60, 60)), Face(4, second, new FaceBox(60, 60, 120, 120)),
        ]);

        Assert.Equal([1L, 4L], picked.Select(p => p.Face.Id).Order());
    }
}
