namespace FaceAtlas.Core.Faces;

/// <summary>What a video's container says of it: how long it is and when it was recorded.</summary>
/// <param name="Created">The recording's moment as the container has it: QuickTime's <c>creationdate</c> (local time
/// with its offset) where present, else <c>creation_time</c> (UTC); null when neither is set.</param>
/// <param name="ContentIdentifier">Apple's content identifier, shared by a Live Photo's still and its video.</param>
public sealed record VideoInfo(TimeSpan Duration, DateTimeOffset? Created, bool CreatedHasOffset, string? ContentIdentifier);

/// <summary>
/// What reads videos (Vision's <c>VideoAnalyzer</c>, over ffmpeg): a video's container facts, and the faces in
/// frames it samples. Both throw <see cref="PhotoDecodeException"/> for a video that cannot be read.
/// </summary>
public interface IVideoReader
{
    VideoInfo Probe(string path);

    /// <summary>The video's faces, one per person seen in it, each with the moment of its frame.</summary>
    PhotoAnalysis Analyze(string path, string format, VideoInfo info);
}
