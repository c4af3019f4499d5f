using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Cli;

/// <summary>The fields of a face that <c>faces</c> and <c>search</c> write alike in their jsonl (a contract: extend, never rename).</summary>
internal static class FaceJson
{
    /// <summary>When the photo was taken and whence (<see cref="CaptureDate.SourceName"/>); null until the photo is indexed again.</summary>
    public static void WriteTaken(System.Text.Json.Utf8JsonWriter json, CaptureDate? taken)
    {
        if (taken is { } t)
        {
            json.WriteString("taken", t.Text);
            json.WriteString("taken_source", t.SourceName);
        }
        else
        {
            json.WriteNull("taken");
            json.WriteNull("taken_source");
        }
    }

    /// <summary>The estimated attributes, or nothing for a face indexed before they existed (re-index to get them).</summary>
    public static void WriteAttributes(System.Text.Json.Utf8JsonWriter json, FaceAttributes? a)
    {
        if (a is null) return;
        json.WriteNumber("age", Math.Round(a.Age, 1));
        json.WriteString("gender", a.Gender == Gender.Female ? "f" : "m");
        json.WriteNumber("yaw", Math.Round(a.Pose.Yaw, 1));
        json.WriteNumber("pitch", Math.Round(a.Pose.Pitch, 1));
        json.WriteNumber("roll", Math.Round(a.Pose.Roll, 1));
        json.WriteNumber("quality", Math.Round(a.Quality, 3));
    }

    /// <summary>A face in a video: the moment (ms from its start) of the frame it was seen in; null in a photo.</summary>
    public static void WriteFrame(System.Text.Json.Utf8JsonWriter json, long? frameMs)
    {
        if (frameMs is { } ms) json.WriteNumber("frame_ms", ms);
        else json.WriteNull("frame_ms");
    }
}
