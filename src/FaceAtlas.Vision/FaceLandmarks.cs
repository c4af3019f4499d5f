using System.Numerics;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>
/// The 68 points of the iBUG 300-W scheme in image pixels: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47 (as seen:
/// the left one first), mouth 48-67.
/// </summary>
public sealed class FaceLandmarks
{
    public const int Count = 68;
    readonly Vector2[] _points;

    public FaceLandmarks(Vector2[] points)
    {
        if (points.Length != Count) throw new ArgumentException($"{Count} points expected, got {points.Length}", nameof(points));
        _points = points;
    }

    public Vector2 this[int i] => _points[i];

    /// <summary>Eye centres = means of points 37,38,40,41 and 43,44,46,47; nose = 30; mouth corners = mean(48,60), mean(54,64).</summary>
    public FivePoints Five => new(
        (_points[37] + _points[38] + _points[40] + _points[41]) / 4,
        (_points[43] + _points[44] + _points[46] + _points[47]) / 4,
        _points[30],
        (_points[48] + _points[60]) / 2,
        (_points[54] + _points[64]) / 2);
}
