using System.Numerics;

namespace FaceAtlas.Core.Faces;

/// <summary>An axis-aligned box in pixels: left, top, width, height.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public static FaceBox FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);

    public FaceBox Scale(double sx, double sy) =>
        new((float)(X * sx), (float)(Y * sy), (float)(Width * sx), (float)(Height * sy));

    public FaceBox Offset(float dx, float dy) => new(X + dx, Y + dy, Width, Height);

    public FaceBox ClipTo(int width, int height)
    {
        float x1 = Math.Clamp(X, 0, width), y1 = Math.Clamp(Y, 0, height);
        float x2 = Math.Clamp(Right, 0, width), y2 = Math.Clamp(Bottom, 0, height);
        return FromCorners(x1, y1, x2, y2);
    }

    /// <summary>Intersection over union, 0 when the boxes do not touch.</summary>
    public float IoU(FaceBox other)
    {
        float ix = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        float iy = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (ix <= 0 || iy <= 0) return 0;
        float inter = ix * iy;
        return inter / (Area + other.Area - inter);
    }
}

/// <summary>
/// The five points alignment uses, in image pixels: eye centres (left, right as seen), nose tip, mouth corners.
/// </summary>
public readonly record struct FivePoints(Vector2 LeftEye, Vector2 RightEye, Vector2 Nose, Vector2 LeftMouth, Vector2 RightMouth)
{
    public Vector2 this[int i] => i switch
    {
        0 => LeftEye, 1 => RightEye, 2 => Nose, 3 => LeftMouth, 4 => RightMouth,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    public FivePoints Scale(float s) => new(LeftEye * s, RightEye * s, Nose * s, LeftMouth * s, RightMouth * s);

    public FivePoints Offset(Vector2 d) => new(LeftEye + d, RightEye + d, Nose + d, LeftMouth + d, RightMouth + d);

    public float[] ToArray() =>
        [LeftEye.X, LeftEye.Y, RightEye.X, RightEye.Y, Nose.X, Nose.Y, LeftMouth.X, LeftMouth.Y, RightMouth.X, RightMouth.Y];

    public static FivePoints FromArray(ReadOnlySpan<float> p) => new(
        new(p[0], p[1]), new(p[2], p[3]), new(p[4], p[5]), new(p[6], p[7]), new(p[8], p[9]));
}
