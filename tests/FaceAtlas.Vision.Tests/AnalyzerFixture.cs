using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Vision.Tests;

/// <summary>One set of real models for all tests of a class (loading them takes a moment).</summary>
public sealed class AnalyzerFixture : IDisposable
{
    public FaceAnalyzer Analyzer { get; } = new();

    public PhotoAnalysis Analyze(string path) => Analyzer.Analyze(File.ReadAllBytes(path));

    public void Dispose() => Analyzer.Dispose();
}
