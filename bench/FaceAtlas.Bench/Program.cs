using FaceAtlas.Vision;
using var analyzer = new FaceAnalyzer();
foreach (var f in args)
{
    var a = analyzer.Analyze(File.ReadAllBytes(f));
    Console.WriteLine($"{Path.GetFileName(f)} {a.Width}x{a.Height} {a.Format} faces={a.Faces.Count}");
    foreach (var face in a.Faces) Console.WriteLine($"   {face.Box} {face.Score:F3}");
}
