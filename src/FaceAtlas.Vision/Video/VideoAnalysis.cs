using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>
/// Which moments of a video are looked at: one frame every <see cref="Every"/> (the first half that in), and at most
/// <see cref="MostFrames"/>, spread evenly over a longer video. A family video is a few people in a few scenes: one
/// look every two seconds finds whoever stays in view for a moment, and the cap keeps a ten-hour recording to the
/// cost of a two-minute one.
/// </summary>
public static class VideoSampling
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    public const int MostFrames = 60;

    public static IReadOnlyList<TimeSpan> Moments(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) return [];
        int count = Math.Clamp((int)Math.Ceiling(duration / Every), 1, MostFrames);
        var step = duration / count;
        return Enumerable.Range(0, count).Select(i => step * (i + 0.5)).ToList();
    }
}

/// <summary>
/// The faces of a video: <see cref="FaceAnalyzer"/> on the frames <see cref="VideoSampling"/> picks, in pixels of the
/// frame, each knowing the moment it was seen (<see cref="FaceObservation.FrameMs"/>). One person seen in many frames
/// is one face: a face whose embedding is within <see cref="SamePersonSimilarity"/> of one already kept replaces it
/// when it is of better quality, else is dropped, so a video adds a face per person in it, the clearest one.
/// </summary>
public sealed class VideoAnalyzer(FaceAnalyzer analyzer, VideoTools tools) : IVideoReader
{
    /// <summary>A reader of videos on this machine, or null where ffmpeg is missing (<see cref="VideoTools.Find"/>).</summary>
    public static VideoAnalyzer? Find(FaceAnalyzer analyzer) => VideoTools.Find() is { } tools ? new(analyzer, tools) : null;

    public VideoInfo Probe(string path) => tools.Probe(path);

    /// <summary>Search's threshold for "this face is that person".</summary>
    public const float SamePersonSimilarity = 0.50f;

    /// <summary>The faces of the video <paramref name="info"/> describes, in its frames' size. Throws <see cref="PhotoDecodeException"/>.</summary>
    public PhotoAnalysis Analyze(string path, string format, VideoInfo info)
    {
        var kept = new List<FaceObservation>();
        int width = 0, height = 0, frames = 0;
        void Look(PixelImage frame, TimeSpan moment)
        {
            using var photo = new DecodedPhoto(frame, frame.Width, frame.Height, 1.0, format);
            frames++;
            (width, height) = (frame.Width, frame.Height);
            foreach (var face in analyzer.FindFaces(photo))
                Keep(kept, face with { FrameMs = (long)moment.TotalMilliseconds });
        }

        PhotoDecodeException? lastFailure = null;
        foreach (var moment in VideoSampling.Moments(info.Duration))
        {
            try
            {
                Look(tools.Frame(path, moment), moment);
            }
            catch (PhotoDecodeException e)
            {
                lastFailure = e; // a damaged stretch costs its frame; the rest of the video is still looked at
            }
        }
        if (frames == 0)
        {
            // No frame where the container said there would be: its first one, if it has any, is the video.
            try
            {
                Look(tools.Frame(path, TimeSpan.Zero), TimeSpan.Zero);
            }
            catch (PhotoDecodeException)
            {
                throw lastFailure ?? new PhotoDecodeException("no frame of the video could be decoded");
            }
        }
        return new PhotoAnalysis(width, height, format, kept) { DurationMs = (long)info.Duration.TotalMilliseconds };
    }

    static void Keep(List<FaceObservation> kept, FaceObservation face)
    {
        for (int i = 0; i < kept.Count; i++)
            if (FaceEmbedder.Similarity(kept[i].Embedding, face.Embedding) >= SamePersonSimilarity)
            {
                if (Quality(face) > Quality(kept[i])) kept[i] = face;
                return;
            }
        kept.Add(face);
    }

    static float Quality(FaceObservation f) => (f.Attributes?.Quality ?? 0.5f) * f.Score * MathF.Sqrt(f.Box.Width * f.Box.Height);
}
