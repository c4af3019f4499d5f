namespace FaceAtlas.Core.Faces;

/// <summary>Head rotation in degrees: yaw (left/right turn), pitch (nod), roll (tilt); 0, 0, 0 faces the camera.</summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll)
{
    /// <summary>Yaw within 25 and pitch within 20 degrees: both eyes, nose and mouth in full view.</summary>
    public bool IsFrontal => Math.Abs(Yaw) <= 25 && Math.Abs(Pitch) <= 20;
}

public enum Gender { Female, Male }

/// <summary>
/// What a face looks like besides who it is: estimated age in years, how male it looks (0 female .. 1 male, as
/// the model gives it), head pose, sharpness, and an overall quality from 0 (useless) to 1.
/// Estimates, not facts: docs/QUALITY.md states how often they are right.
/// </summary>
public sealed record FaceAttributes(float Age, float Maleness, HeadPose Pose, float Sharpness, float Quality)
{
    public Gender Gender => Maleness >= 0.5f ? Gender.Male : Gender.Female;

    /// <summary>
    /// Quality from the face's size (side in pixels of the full-size photo), pose and sharpness, each mapped to 0..1
    /// and multiplied, so any one of them can make a face poor: a 20-pixel face, a profile or a blur.
    /// </summary>
    public static float QualityOf(float side, HeadPose pose, float sharpness)
    {
        float size = Math.Clamp((side - 20) / 60, 0, 1);
        float yaw = pose.Yaw / 75, pitch = pose.Pitch / 55;
        float frontal = Math.Clamp(1 - yaw * yaw, 0, 1) * Math.Clamp(1 - pitch * pitch, 0, 1);
        return size * frontal * sharpness;
    }
}
