using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision.Tests;

/// <summary>The detector cut before its box decoding and made any-size must answer as the shipped graph does.</summary>
public sealed class DetectorGraphTests
{
    [DatasetTheory]
    [InlineData("group-photos/dlib_voc_2008_007676.jpg")]
    [InlineData("group-photos/faceapi_bbt3.jpg")]
    [InlineData("lfw-dev/Aaron_Peirsol/Aaron_Peirsol_0001.jpg")]
    public void Should_MatchShippedGraph_When_RunAt320x240(string photo)
    {
        // Given: a photo stretched to 320x240, the shipped fixed-size graph, and the resizable one
        var modelPath = Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Detector);
        using var decoded = PhotoDecoder.Decode(File.ReadAllBytes(Datasets.At(photo.Split('/'))));
        using var image = decoded.Image.Resize(320, 240);
        using var options = ModelCatalog.CreateOptions();
        using var shipped = new InferenceSession(modelPath, options);
        using var detector = new UltraFaceDetector(modelPath, ModelSessions.Uncached);
        var input = new float[3 * 320 * 240];
        UltraFaceDetector.FillInput(image, 0, 0, 320, 240, input);

        // When
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 240, 320]);
        using var outputs = shipped.Run(new RunOptions(), ["input"], [value], ["scores", "boxes"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var boxes = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        var expected = Enumerable.Range(0, scores.Length / 2).Where(i => scores[2 * i + 1] >= 0.3f)
            .Select(i => new Detection(FaceBox.FromCorners(boxes[4 * i] * 320, boxes[4 * i + 1] * 240, boxes[4 * i + 2] * 320, boxes[4 * i + 3] * 240), scores[2 * i + 1]))
            .ToList();
        var actual = new List<Detection>();
        detector.DetectWindow(image, 0, 0, 320, 240, 0.3f, actual);

        // Then: the same anchors pass, with the same scores and boxes
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.True(Math.Abs(e.Box.X - a.Box.X) < 0.05 && Math.Abs(e.Box.Bottom - a.Box.Bottom) < 0.05 && Math.Abs(e.Box.Right - a.Box.Right) < 0.05 && Math.Abs(e.Box.Y - a.Box.Y) < 0.05, $"{e} vs {a}");
            Assert.Equal(e.Score, a.Score, 4);
            Assert.Equal(e.Box.X, a.Box.X, 1);
            Assert.Equal(e.Box.Y, a.Box.Y, 1);
            Assert.Equal(e.Box.Right, a.Box.Right, 1);
            Assert.Equal(e.Box.Bottom, a.Box.Bottom, 1);
        }
    }

    [DatasetFact]
    public void Should_FindTheSameFaces_When_OneLargeWindowReplacesTiles()
    {
        // Given: a photo at 960x720, seen as one window and as nine 320x240 tiles
        var modelPath = Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Detector);
        using var decoded = PhotoDecoder.Decode(File.ReadAllBytes(Datasets.At("group-photos", "dlib_voc_2008_004176.jpg")));
        using var image = decoded.Image.Resize(960, 720);
        using var detector = new UltraFaceDetector(modelPath, ModelSessions.Uncached);

        // When
        var whole = new List<Detection>();
        detector.DetectWindow(image, 0, 0, 960, 768, 0.65f, whole);
        var tiled = new List<Detection>();
        for (int y = 0; y < 720; y += 240)
            for (int x = 0; x < 960; x += 320)
                detector.DetectWindow(image, x, y, 320, 240, 0.65f, tiled);
        var a = FaceFinder.NonMaximumSuppression(whole, 0.4f);
        var b = FaceFinder.NonMaximumSuppression(tiled, 0.4f);

        // Then: every confident face of the tiles (none is cut: faces are ~70 px here) is found by the single pass
        Assert.True(a.Count >= 7, $"one window found {a.Count}");
        foreach (var face in b.Where(f => f.Box.Width > 40 && f.Score > 0.9))
            Assert.True(a.Any(f => f.Box.IoU(face.Box) > 0.6), $"{face} of the tiles not in [{string.Join(", ", a)}]");
    }
}
