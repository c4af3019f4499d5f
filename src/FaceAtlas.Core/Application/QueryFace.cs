using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Application;

/// <summary>The face to search with, found in a photo that is not in the catalog (a query photo, an upload).</summary>
public static class QueryFace
{
    /// <summary>
    /// The embedding of the <paramref name="number"/>th largest face in <paramref name="photo"/> (1: the largest).
    /// A photo that cannot be read, or holds no such face, is an invalid request, not an empty answer.
    /// </summary>
    public static float[] Find(IFaceAnalyzer analyzer, ReadOnlySpan<byte> photo, string name, int number = 1)
    {
        PhotoAnalysis analysis;
        try
        {
            analysis = analyzer.Analyze(photo);
        }
        catch (PhotoDecodeException e)
        {
            throw new InvalidRequestException($"the query photo {name} is not a usable photo: {e.Message}");
        }
        var faces = analysis.Faces.OrderByDescending(f => f.Box.Area).ToList();
        if (faces.Count == 0) throw new InvalidRequestException($"no face found in the query photo {name}");
        if (number < 1 || number > faces.Count)
            throw new InvalidRequestException($"--face {number}: the query photo has {faces.Count} face(s)");
        return faces[number - 1].Embedding;
    }
}
