using System.Numerics;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>A 2-D similarity transform: x' = a·x − b·y + tx, y' = b·x + a·y + ty.</summary>
public readonly record struct Similarity(float A, float B, float Tx, float Ty)
{
    public float Scale => MathF.Sqrt(A * A + B * B);

    public Vector2 Apply(Vector2 p) => new(A * p.X - B * p.Y + Tx, B * p.X + A * p.Y + Ty);

    public Similarity Inverse()
    {
        float d = A * A + B * B;
        float ia = A / d, ib = -B / d;
        return new Similarity(ia, ib, -(ia * Tx - ib * Ty), -(ib * Tx + ia * Ty));
    }

    /// <summary>Least-squares similarity mapping <paramref name="from"/> onto <paramref name="to"/> (Umeyama, no reflection).</summary>
    public static Similarity Fit(ReadOnlySpan<Vector2> from, ReadOnlySpan<Vector2> to)
    {
        Vector2 mf = Vector2.Zero, mt = Vector2.Zero;
        for (int i = 0; i < from.Length; i++) { mf += from[i]; mt += to[i]; }
        mf /= from.Length; mt /= to.Length;
        float sxx = 0, sab = 0, sba = 0;
        for (int i = 0; i < from.Length; i++)
        {
            var f = from[i] - mf; var t = to[i] - mt;
            sxx += f.X * f.X + f.Y * f.Y;
            sab += f.X * t.X + f.Y * t.Y;
            sba += f.X * t.Y - f.Y * t.X;
        }
        if (sxx < 1e-6f) throw new ArgumentException("alignment points coincide");
        float a = sab / sxx, b = sba / sxx;
        return new Similarity(a, b, mt.X - (a * mf.X - b * mf.Y), mt.Y - (b * mf.X + a * mf.Y));
    }
}

/// <summary>
/// Warps a face onto the ArcFace 112x112 template and writes it as the embedder's input: planar BGR,
/// (v − 127.5) / 127.5. Pixels mapped from outside the image are black, as OpenCV's warpAffine leaves them.
/// </summary>
public static class FaceAligner
{
    public const int Side = 112;

    /// <summary>The standard five-point template of ArcFace for 112x112 crops.</summary>
    public static readonly Vector2[] Template =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    public static Similarity TransformFor(FivePoints points)
    {
        Span<Vector2> from = [points[0], points[1], points[2], points[3], points[4]];
        return Similarity.Fit(from, Template);
    }

    /// <summary>Bilinear warp of <paramref name="image"/> by <paramref name="toCrop"/> straight into the tensor.</summary>
    public static void WarpToTensor(PixelImage image, Similarity toCrop, Span<float> tensor)
    {
        const int plane = Side * Side;
        const float inv = 1f / 127.5f;
        var back = toCrop.Inverse();
        var px = image.Pixels;
        int rowBytes = image.RowBytes, w = image.Width, h = image.Height;
        for (int v = 0; v < Side; v++)
        {
            // Walk along the row: each step right moves (A, B) in the source.
            float sx = back.Tx - back.B * v, sy = back.Ty + back.A * v;
            for (int u = 0; u < Side; u++, sx += back.A, sy += back.B)
            {
                Bilinear(px, rowBytes, w, h, sx, sy, out float r, out float g, out float b);
                int o = v * Side + u;
                tensor[o] = (b - 127.5f) * inv;
                tensor[plane + o] = (g - 127.5f) * inv;
                tensor[2 * plane + o] = (r - 127.5f) * inv;
            }
        }
    }

    /// <summary>Samples at (x, y), pixel centres on integers; neighbours outside the image count as black.</summary>
    internal static void Bilinear(ReadOnlySpan<byte> px, int rowBytes, int w, int h, float x, float y, out float r, out float g, out float b)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        r = g = b = 0;
        if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) return;
        Accumulate(px, rowBytes, w, h, x0, y0, (1 - fx) * (1 - fy), ref r, ref g, ref b);
        Accumulate(px, rowBytes, w, h, x0 + 1, y0, fx * (1 - fy), ref r, ref g, ref b);
        Accumulate(px, rowBytes, w, h, x0, y0 + 1, (1 - fx) * fy, ref r, ref g, ref b);
        Accumulate(px, rowBytes, w, h, x0 + 1, y0 + 1, fx * fy, ref r, ref g, ref b);
    }

    static void Accumulate(ReadOnlySpan<byte> px, int rowBytes, int w, int h, int x, int y, float weight, ref float r, ref float g, ref float b)
    {
        if ((uint)x >= (uint)w || (uint)y >= (uint)h || weight == 0) return;
        int p = y * rowBytes + x * 4;
        r += weight * px[p];
        g += weight * px[p + 1];
        b += weight * px[p + 2];
    }
}
