using System.Diagnostics;
using FaceAtlas.Vision;
using SkiaSharp;
var scene = SKBitmap.Decode("/work/shared/datasets/group-photos/dlib_voc_2007_007763.jpg");
var big = new SKBitmap(4000, 3000);
using (var c = new SKCanvas(big)) { c.Clear(new SKColor(90,110,100)); c.DrawImage(SKImage.FromBitmap(scene), 3000, 2200, new SKSamplingOptions(SKFilterMode.Nearest)); }
var jpeg = big.Encode(SKEncodedImageFormat.Jpeg, 92).ToArray();
foreach (var m in new float[] { 16 })
{
    using var a = new FaceAnalyzer(options: DetectionOptions.Default with { DetectorMinFace = m });
    a.Analyze(jpeg);
    var clock = new StageClock();
    var sw = Stopwatch.StartNew();
    var r = a.Analyze(jpeg, clock);
    Console.WriteLine($"min {m}: {r.Faces.Count} faces {sw.ElapsedMilliseconds} ms decode {clock.Total(Stage.Decode).TotalMilliseconds:F0} detect {clock.Total(Stage.Detect).TotalMilliseconds:F0}");
}
