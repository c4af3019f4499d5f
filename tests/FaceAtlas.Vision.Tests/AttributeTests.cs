using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>Age, gender, head pose and quality on real photos, and the arithmetic that turns model outputs into them.</summary>
public sealed class AttributeTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    FaceAttributes Largest(byte[] photo) => fixture.Analyzer.Analyze(photo).Faces.MaxBy(f => f.Box.Area)!.Attributes!;

    static byte[] Redrawn(string path, Action<SKCanvas, SKBitmap> draw)
    {
        using var bitmap = TestPhotos.DecodeRgba(path);
        using var result = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(result)) draw(canvas, bitmap);
        return TestPhotos.Jpeg(result, 95);
    }

    [Fact]
    public void Should_MergeStagesAsSsrNetDoes_When_GivenModelOutputs()
    {
        // Stage probabilities all on the middle bin, no shifts or scale changes: (1/3 + 1/9 + 1/27) of the range.
        float[] x = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(1 / 3f + 1 / 9f + 1 / 27f, AttributeEstimator.SoftStagewise(x), 5);
        // One-hot logits on bin 33 give 33 * 3 - 99 = 0 degrees; bin 43 gives 30.
        var logits = new float[66];
        logits[33] = 50;
        Assert.Equal(0, HeadPoseNetwork.Expectation(logits), 2);
        logits[33] = 0;
        logits[43] = 50;
        Assert.Equal(30, HeadPoseNetwork.Expectation(logits), 2);
    }

    [DatasetTheory]
    [InlineData("person_05", Gender.Male)]
    [InlineData("person_06", Gender.Male)]
    [InlineData("person_11", Gender.Male)]
    [InlineData("person_01", Gender.Female)]
    [InlineData("person_08", Gender.Female)]
    [InlineData("person_10", Gender.Female)]
    public void Should_TellGender_When_MostPhotosOfAPersonAgree(string person, Gender gender)
    {
        // deepface-tests names its people in names_guess.txt; these six have clear-cut photos (the model is right
        // on 81 % of that set's faces, docs/QUALITY.md, so a per-photo assertion would be wishful).
        var votes = Directory.GetFiles(Datasets.At("deepface-tests", person)).Select(File.ReadAllBytes).Select(Largest).ToList();

        Assert.True(votes.Count(a => a.Gender == gender) * 2 > votes.Count,
            $"{person}: {string.Join(", ", votes.Select(a => a.Maleness.ToString("F2")))}");
        Assert.All(votes, a => Assert.InRange(a.Age, 10, 80));
    }

    [DatasetFact]
    public void Should_TurnYawAndRollAround_When_ThePhotoIsMirrored()
    {
        var path = Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg");
        var original = Largest(File.ReadAllBytes(path));
        var mirrored = Largest(Redrawn(path, (c, b) =>
        {
            c.Scale(-1, 1, b.Width / 2f, 0);
            using var image = SKImage.FromBitmap(b);
            c.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }));

        Assert.InRange(original.Pose.Yaw + mirrored.Pose.Yaw, -8, 8);
        Assert.InRange(original.Pose.Roll + mirrored.Pose.Roll, -8, 8);
        Assert.InRange(original.Pose.Pitch - mirrored.Pose.Pitch, -8, 8);
    }

    [DatasetFact]
    public void Should_ScoreABlurredFaceLower_When_SharpnessIsLost()
    {
        var path = Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg");
        var sharp = Largest(File.ReadAllBytes(path));
        var blurred = Largest(Redrawn(path, (c, b) =>
        {
            using var small = b.Resize(new SKImageInfo(b.Width / 4, b.Height / 4), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            using var image = SKImage.FromBitmap(small);
            c.DrawImage(image, SKRect.Create(0, 0, b.Width, b.Height), new SKSamplingOptions(SKFilterMode.Linear));
        }));

        Assert.True(blurred.Sharpness < sharp.Sharpness - 0.1, $"sharpness {sharp.Sharpness:F2} -> {blurred.Sharpness:F2}");
        Assert.True(blurred.Quality < sharp.Quality);
        Assert.True(sharp.Pose.IsFrontal);
    }

    [Fact]
    public void Should_RateSmallTurnedOrBlurredFacesPoorly_When_ComputingQuality()
    {
        var frontal = new HeadPose(0, 0, 0);
        Assert.Equal(1, FaceAttributes.QualityOf(100, frontal, 1), 3);
        Assert.Equal(0, FaceAttributes.QualityOf(20, frontal, 1), 3);
        Assert.True(FaceAttributes.QualityOf(100, new HeadPose(60, 0, 0), 1) < 0.4f);
        Assert.Equal(0.5f, FaceAttributes.QualityOf(100, frontal, 0.5f), 3);
        Assert.False(new HeadPose(40, 0, 0).IsFrontal);
    }
}
