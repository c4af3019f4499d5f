using System.Text.Json;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>Scouting a large fine level must find what a pass over all of it finds, at a fraction of the cost.</summary>
public sealed class ScoutTests
{
    [DatasetTheory]
    [InlineData("dlib_voc_2007_007763.jpg", 1.0, 0)]   // 7 faces of 40-48 px
    [InlineData("dlib_voc_2007_007763.jpg", 1.0, 3)]   // ... moved by a few pixels: the detector's scores depend on where a face falls between its anchors
    [InlineData("dlib_voc_2007_007763.jpg", 1.0, 5)]
    [InlineData("dlib_voc_2007_007763.jpg", 1.0, 21)]
    [InlineData("dlib_voc_2007_007763.jpg", 1.75, 0)]
    [InlineData("dlib_voc_2007_007763.jpg", 2.6, 13)]  // faces of 104-126 px, near the largest the fine level answers for
    [InlineData("dlib_voc_2008_004176.jpg", 1.0, 0)]   // 7 faces, all 40 px
    [InlineData("dlib_voc_2008_004176.jpg", 1.0, 6)]
    [InlineData("dlib_voc_2008_002470.jpg", 1.0, 9)]   // 6 faces of 40-57 px
    public void Should_FindWhatTheWholeLevelFinds_When_ScoutingA12MpPhoto(string scene, double grow, int shift) =>
        FindsWhatTheWholeLevelFinds(scene, grow, shift, 4000, 3000);

    [DatasetTheory]
    [InlineData(3000, 4000)]  // upright
    [InlineData(2592, 1944)]  // 5 MP: decoded whole, its level scouted through the halvings rather than sampled
    [InlineData(6000, 4000)]  // 24 MP
    public void Should_FindWhatTheWholeLevelFinds_When_ScoutingPhotosOfOtherSizes(int width, int height) =>
        FindsWhatTheWholeLevelFinds("dlib_voc_2007_007763.jpg", 1.0, 7, width, height);

    void FindsWhatTheWholeLevelFinds(string scene, double grow, int shift, int width, int height)
    {
        // Given: an annotated group photo pasted into a large portrait, enlarged so that its smallest face is 40 px
        // times grow
        var (jpeg, truth) = PastedScene(scene, grow, shift, width, height);
        var defaults = DetectionOptions.Default;
        using var photo = PhotoDecoder.Decode(jpeg, defaults.DetectorMinFace / defaults.MinFaceSize, 1600);
        using var detector = new UltraFaceDetector(Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Detector), ModelSessions.Uncached);
        double minFace = defaults.MinFaceSize * photo.Scale;
        var scout = new FaceScout(detector, defaults);
        Assert.Contains(DetectionPyramid.Plan(photo.Image.Width, photo.Image.Height, minFace, defaults), scout.Applies);

        // When
        var whole = new FaceFinder(detector, defaults with { ScoutRatio = 0 }).Find(photo.Image, minFace);
        var scouted = new FaceFinder(detector, defaults).Find(photo.Image, minFace);

        // Then: every face the whole level finds (of the smallest size asked for or more) is found, with about its score,
        // and so is every annotated face
        var faces = whole.Where(d => Math.Max(d.Box.Width, d.Box.Height) >= minFace).ToList();
        Assert.True(faces.Count >= truth.Count, $"the whole level found {faces.Count} faces");
        foreach (var d in faces)
        {
            var match = scouted.Where(s => s.Box.IoU(d.Box) >= 0.8f).Select(s => (Detection?)s).FirstOrDefault();
            Assert.True(match is not null, $"{d.Box} ({d.Score:F2}) found by the whole level only");
            // Within the network's field of view the window shows grey where the level shows the photo: the score moves
            // a little (up to 0.1 seen), the face stays found.
            Assert.Equal(d.Score, match.Value.Score, 0.15);
        }
        foreach (var box in truth.Select(t => t.Scale(photo.Scale, photo.Scale)))
            Assert.True(scouted.Any(d => d.Box.IoU(box) >= 0.3f), $"annotated face at {box} not found by scouting");
    }

    [Fact]
    public void Should_ScoutOnlyLargeFineLevels_When_Planning()
    {
        var options = DetectionOptions.Default;
        var scout = new FaceScout(null!, options);

        var twelveMp = DetectionPyramid.Plan(4000, 3000, 40, options);
        var twoMp = DetectionPyramid.Plan(1600, 1200, 40, options);

        Assert.Equal([false, true], twelveMp.Select(scout.Applies).ToArray());       // the 320x240 stretch, then 1600x1200
        Assert.All(twoMp, level => Assert.False(scout.Applies(level)));              // 640x480: cheap enough whole
        Assert.False(new FaceScout(null!, options with { ScoutRatio = 0 }).Applies(twelveMp[1]));
    }

    [Theory]
    [InlineData(700.4f, 300.2f, 20f)]
    [InlineData(3.5f, 5f, 16f)]        // at the level's corner: clamped to it
    [InlineData(1580f, 1180f, 18f)]    // at the far corner: may hang over by less than a cell, as the whole pass does
    [InlineData(800f, 600f, 90f)]
    public void Should_HoldTheProposalWithRoomOnTheLevelsGrid_When_PlacingAWindow(float x, float y, float side)
    {
        var level = new PyramidLevel(1600, 1200, [new DetectorWindow(0, 0, 1600, 1216)], 92);
        var proposal = new FaceBox(x, y, side, side);
        float room = Math.Max(32, side);

        var w = FaceScout.Around(proposal, room, level);

        Assert.Equal(0, w.X % 64);
        Assert.Equal(0, w.Y % 64);
        Assert.Equal(0, w.Width % 64);
        Assert.Equal(0, w.Height % 64);
        Assert.True(w.X <= Math.Max(0, x - room) && w.Y <= Math.Max(0, y - room), $"{w} leaves too little room before {proposal}");
        Assert.True(w.X + w.Width >= Math.Min(1600, x + side + room) && w.Y + w.Height >= Math.Min(1200, y + side + room),
            $"{w} leaves too little room after {proposal}");
        Assert.True(w.X >= 0 && w.Y >= 0 && w.X + w.Width <= 1600 + 63 && w.Y + w.Height <= 1216, $"{w} leaves the level");
    }

    /// <summary>A JPEG of a deepface-tests portrait with a group photo pasted in its lower right corner, off the portrait's face.</summary>
    static (byte[] Jpeg, List<FaceBox> Truth) PastedScene(string name, double grow, int shift, int width, int height)
    {
        var boxes = JsonDocument.Parse(File.ReadAllText(Datasets.At("group-photos", "face_boxes.json"))).RootElement
            .GetProperty(name).EnumerateArray()
            .Select(b => new FaceBox(b.GetProperty("left").GetSingle(), b.GetProperty("top").GetSingle(),
                b.GetProperty("width").GetSingle(), b.GetProperty("height").GetSingle())).ToList();
        double enlarge = 40 / boxes.Min(b => b.Height) * grow;
        using var scene = SKBitmap.Decode(Datasets.At("group-photos", name));
        using var portrait = SKBitmap.Decode(Directory.GetFiles(Datasets.At("deepface-tests"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First());
        using var canvasBitmap = portrait.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
            new SKSamplingOptions(SKCubicResampler.Mitchell));
        float w = (float)(scene.Width * enlarge), h = (float)(scene.Height * enlarge);
        var place = SKRect.Create(width - 40 - w - shift, height - 40 - h - shift, w, h);
        using (var canvas = new SKCanvas(canvasBitmap))
        using (var image = SKImage.FromBitmap(scene))
            canvas.DrawImage(image, place, new SKSamplingOptions(SKCubicResampler.Mitchell));
        var truth = boxes.Select(b => b.Scale(enlarge, enlarge).Offset(place.Left, place.Top)).ToList();
        return (TestPhotos.Jpeg(canvasBitmap, 90), truth);
    }
}
