using System.Numerics;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>
/// Head pose from the landmarks already found, instead of a network of its own: fourteen of the 68 points (brow
/// and eye corners, nose wings, mouth corners, lower lip, chin) fitted by least squares to a generic 3D head, as
/// a scaled orthographic projection (a face is shallow beside its distance from the camera), and the fitted
/// rotation read as yaw, pitch and roll. The head is the 14-point mean-head model used by
/// lincolnhard/head-pose-estimation (MIT), mirrored to x to the image's right, y up, z towards the camera.
/// docs/QUALITY.md compares it with the 224x224 pose network it replaced.
/// </summary>
public static class LandmarkPose
{
    internal static readonly int[] Points = [17, 21, 22, 26, 36, 39, 42, 45, 31, 35, 48, 54, 57, 8];

    internal static readonly Vector3[] Head =
    [
        new(-6.825897f, 6.760612f, 4.402142f), new(-1.330353f, 7.122144f, 6.903745f),   // brows: outer, inner (left as seen)
        new(1.330353f, 7.122144f, 6.903745f), new(6.825897f, 6.760612f, 4.402142f),     // brows: inner, outer (right)
        new(-5.311432f, 5.485328f, 3.987654f), new(-1.789930f, 5.393625f, 4.413414f),   // left eye: outer, inner corner
        new(1.789930f, 5.393625f, 4.413414f), new(5.311432f, 5.485328f, 3.987654f),     // right eye: inner, outer corner
        new(-2.005628f, 1.409845f, 6.165652f), new(2.005628f, 1.409845f, 6.165652f),    // nose wings
        new(-2.774015f, -2.080775f, 5.048531f), new(2.774015f, -2.080775f, 5.048531f),  // mouth corners
        new(0f, -3.116408f, 6.097667f), new(0f, -7.415691f, 4.070434f),                // lower lip, chin
    ];

    /// <summary>
    /// Rows of (H^T H)^-1 H^T for the centred head H (3 x 14): the least-squares map from the image coordinates of
    /// the fourteen points to a row of the projection. Computed once.
    /// </summary>
    static readonly Vector3[] Solve = PseudoInverse();

    /// <summary>The head's rotation, in degrees as <see cref="HeadPose"/> gives it, from a face's 68 landmarks.</summary>
    public static HeadPose Estimate(FaceLandmarks landmarks)
    {
        // Centre the image points; y turned up, as the head's.
        Vector2 mean = Vector2.Zero;
        foreach (int i in Points) mean += landmarks[i];
        mean /= Points.Length;
        Vector3 m1 = Vector3.Zero, m2 = Vector3.Zero;
        for (int k = 0; k < Points.Length; k++)
        {
            var p = landmarks[Points[k]] - mean;
            m1 += Solve[k] * p.X;
            m2 += Solve[k] * -p.Y;
        }
        return FromProjection(m1, m2);
    }

    /// <summary>
    /// The rotation whose first two rows are nearest the fitted rows <paramref name="m1"/>, <paramref name="m2"/>
    /// (scale taken out, made orthogonal symmetrically so neither row is favoured), read as R = Rz(roll) Ry(yaw) Rx(pitch).
    /// </summary>
    internal static HeadPose FromProjection(Vector3 m1, Vector3 m2)
    {
        if (m1.LengthSquared() < 1e-12f || m2.LengthSquared() < 1e-12f) return new HeadPose(0, 0, 0);
        var r1 = Vector3.Normalize(m1);
        var r2 = Vector3.Normalize(m2);
        var sum = Vector3.Normalize(r1 + r2);
        var difference = Vector3.Normalize(r1 - r2);
        r1 = (sum + difference) / MathF.Sqrt(2);
        r2 = (sum - difference) / MathF.Sqrt(2);
        var r3 = Vector3.Cross(r1, r2);
        const float degrees = 180 / MathF.PI;
        float yaw = MathF.Asin(Math.Clamp(-r3.X, -1, 1)) * degrees;
        float pitch = MathF.Atan2(r3.Y, r3.Z) * degrees;
        float roll = MathF.Atan2(r2.X, r1.X) * degrees;
        // The signs of the network this replaced (and of the catalogs it filled): the opposite of this frame's.
        return new HeadPose(-yaw, -pitch, -roll);
    }

    static Vector3[] PseudoInverse()
    {
        var centre = Vector3.Zero;
        foreach (var h in Head) centre += h;
        centre /= Head.Length;
        var centred = Head.Select(h => h - centre).ToArray();
        // H^T H, 3 x 3, inverted through a 4 x 4 matrix.
        var a = new Matrix4x4 { M44 = 1 };
        foreach (var h in centred)
        {
            a.M11 += h.X * h.X; a.M12 += h.X * h.Y; a.M13 += h.X * h.Z;
            a.M21 += h.Y * h.X; a.M22 += h.Y * h.Y; a.M23 += h.Y * h.Z;
            a.M31 += h.Z * h.X; a.M32 += h.Z * h.Y; a.M33 += h.Z * h.Z;
        }
        if (!Matrix4x4.Invert(a, out var inverse)) throw new InvalidOperationException("the head model is flat");
        return centred.Select(h => new Vector3(
            inverse.M11 * h.X + inverse.M12 * h.Y + inverse.M13 * h.Z,
            inverse.M21 * h.X + inverse.M22 * h.Y + inverse.M23 * h.Z,
            inverse.M31 * h.X + inverse.M32 * h.Y + inverse.M33 * h.Z)).ToArray();
    }
}
