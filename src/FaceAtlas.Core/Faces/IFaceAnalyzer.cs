namespace FaceAtlas.Core.Faces;

/// <summary>
/// What finds and describes faces in a photo (Vision's <c>FaceAnalyzer</c>). Safe to call from several threads.
/// Both analyses throw <see cref="PhotoDecodeException"/> for bytes that are no photo it can read.
/// </summary>
public interface IFaceAnalyzer : IDisposable
{
    /// <summary>Starts loading the models in the background, so the first photo does not wait for all of them.</summary>
    void Prepare();

    /// <summary>The photo's upright size, format and every face found in it; stages timed on <paramref name="clock"/>.</summary>
    PhotoAnalysis Analyze(ReadOnlySpan<byte> photo, StageClock? clock = null);

    /// <summary>The face inside a box a person drew where detection found none: its points, embedding and attributes.</summary>
    (int Width, int Height, FaceObservation Face) FaceAt(ReadOnlySpan<byte> photo, FaceBox box);
}
