using System.Numerics;
using FaceAtlas.Vision;

namespace FaceAtlas.Vision.Tests;

/// <summary>Head pose from landmarks: the fit gives back the rotation a head was drawn with, and turns sign with a mirror.</summary>
public sealed class LandmarkPoseTests
{
    /// <summary>
    /// The head model turned by yaw (about the vertical axis), pitch (about the horizontal) and roll (in the image
    /// plane), in the fit's frame (x right, y up, z towards the camera), projected without perspective at
    /// <paramref name="scale"/> pixels a unit around (200, 150) in image pixels (y down); points the fit does not
    /// use are left at the centre.
    /// </summary>
    static FaceLandmarks Drawn(float yaw, float pitch, float roll, float scale = 6, bool mirrored = false)
    {
        const float radians = MathF.PI / 180;
        var rotation = Matrix4x4.CreateRotationX(pitch * radians) * Matrix4x4.CreateRotationY(yaw * radians) * Matrix4x4.CreateRotationZ(roll * radians);
        var points = Enumerable.Repeat(new Vector2(200, 150), FaceLandmarks.Count).ToArray();
        for (int k = 0; k < LandmarkPose.Points.Length; k++)
        {
            // System.Numerics multiplies row vectors: v * X * Y * Z applies X first, so the rotation is Rz Ry Rx.
            var p = Vector3.Transform(LandmarkPose.Head[k], rotation);
            points[LandmarkPose.Points[k]] = new Vector2(200 + scale * p.X, 150 - scale * p.Y);
        }
        if (mirrored)
        {
            // A mirrored photo: x flipped, and the points renumbered left for right as the landmark model would.
            var flipped = points.Select(p => new Vector2(400 - p.X, p.Y)).ToArray();
            int[] pairs = [17, 26, 21, 22, 36, 45, 39, 42, 31, 35, 48, 54];
            for (int i = 0; i < pairs.Length; i += 2)
                (flipped[pairs[i]], flipped[pairs[i + 1]]) = (flipped[pairs[i + 1]], flipped[pairs[i]]);
            points = flipped;
        }
        return new FaceLandmarks(points);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(30, 0, 0)]
    [InlineData(-45, 10, 0)]
    [InlineData(10, -25, 15)]
    [InlineData(-20, 15, -30)]
    public void Should_GiveBackTheRotation_When_TheHeadModelIsDrawnTurned(float yaw, float pitch, float roll)
    {
        var pose = LandmarkPose.Estimate(Drawn(yaw, pitch, roll));

        // The catalog keeps the signs of the pose network this replaced: the opposite of the fit's frame.
        Assert.Equal(-yaw, pose.Yaw, 0.5f);
        Assert.Equal(-pitch, pose.Pitch, 0.5f);
        Assert.Equal(-roll, pose.Roll, 0.5f);
    }

    [Fact]
    public void Should_TurnYawAndRollAround_When_TheLandmarksAreMirrored()
    {
        var pose = LandmarkPose.Estimate(Drawn(25, 10, 12));
        var mirrored = LandmarkPose.Estimate(Drawn(25, 10, 12, mirrored: true));

        Assert.Equal(-pose.Yaw, mirrored.Yaw, 0.5f);
        Assert.Equal(-pose.Roll, mirrored.Roll, 0.5f);
        Assert.Equal(pose.Pitch, mirrored.Pitch, 0.5f);
        Assert.True(Math.Abs(pose.Yaw) > 20, $"yaw {pose.Yaw}");
    }

    [Fact]
    public void Should_NotDependOnSizeOrPlace_When_TheSameHeadIsDrawnLarger()
    {
        var small = LandmarkPose.Estimate(Drawn(-15, 5, 8, scale: 2));
        var large = LandmarkPose.Estimate(Drawn(-15, 5, 8, scale: 40));

        Assert.Equal(small.Yaw, large.Yaw, 0.1f);
        Assert.Equal(small.Pitch, large.Pitch, 0.1f);
        Assert.Equal(small.Roll, large.Roll, 0.1f);
    }
}
