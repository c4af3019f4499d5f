using System.Globalization;
using System.Text.Json;
using FaceAtlas.Core.Faces;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// Debian's <c>ffprobe</c> and <c>ffmpeg</c>, run as child processes: a video's container read, and single frames
/// decoded upright (rotation applied) at chosen moments. Every call is bounded in time; a damaged or hostile file
/// costs a stopped process and a <see cref="PhotoDecodeException"/> naming the reason.
/// </summary>
public sealed class VideoTools(string ffmpeg, string ffprobe, TimeSpan? timeout = null)
{
    /// <summary>What a run says when videos cannot be read on this machine.</summary>
    public const string Missing = "ffmpeg not found (apt-get install ffmpeg)";

    /// <summary>Frames are analysed no wider than this: a 4K frame holds no face a 1080p one misses at video quality.</summary>
    public const int MaxFrameWidth = 1920;

    readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    /// <summary>ffmpeg and ffprobe from PATH (or <c>FACEATLAS_FFMPEG</c>'s folder); null when either is missing.</summary>
    public static VideoTools? Find()
    {
        var folders = Environment.GetEnvironmentVariable("FACEATLAS_FFMPEG") is { Length: > 0 } chosen
            ? [chosen]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        string? Locate(string name) => folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
        return Locate("ffmpeg") is { } ffmpeg && Locate("ffprobe") is { } ffprobe ? new VideoTools(ffmpeg, ffprobe) : null;
    }

    public VideoInfo Probe(string path)
    {
        var json = System.Text.Encoding.UTF8.GetString(
            Run(ffprobe, ["-v", "error", "-show_entries", "format=duration:format_tags:stream=codec_type,duration", "-of", "json", path], "read", path));
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var video = root.TryGetProperty("streams", out var streams)
                ? streams.EnumerateArray().Where(s => s.TryGetProperty("codec_type", out var t) && t.GetString() == "video").ToList()
                : [];
            if (video.Count == 0) throw new PhotoDecodeException("no video stream in this file");
            var format = root.GetProperty("format");
            // The picture's own length where the stream says it: a camera's clip of one still and five seconds of sound
            // has frames for the first 67 ms only.
            double seconds = Seconds(video[0]) is > 0 and var picture ? picture : Seconds(format);
            if (seconds <= 0 || double.IsNaN(seconds)) throw new PhotoDecodeException("the video's length is unknown (damaged container)");
            string? Tag(string name) => format.TryGetProperty("tags", out var tags) && tags.TryGetProperty(name, out var v) ? v.GetString() : null;
            var (created, withOffset) = Created(Tag("com.apple.quicktime.creationdate"), Tag("creation_time"));
            return new VideoInfo(TimeSpan.FromSeconds(seconds), created, withOffset, Tag("com.apple.quicktime.content.identifier"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PhotoDecodeException("ffprobe's answer could not be read");
        }
    }

    static double Seconds(JsonElement element) =>
        element.TryGetProperty("duration", out var d) && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? s : 0;

    /// <summary>
    /// QuickTime's creationdate ("2020-04-17T10:03:47-0600", the camera's local time) else creation_time (UTC, which
    /// cameras without a clock write as 1904 or 1970: not a date).
    /// </summary>
    static (DateTimeOffset?, bool) Created(string? local, string? utc)
    {
        if (local is not null && DateTimeOffset.TryParseExact(local, ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:sszz", "yyyy-MM-ddTHH:mm:ssK"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return (withOffset, true);
        if (local is not null && local.Length >= 24 && DateTimeOffset.TryParseExact(local[..19] + local[19..22] + ":" + local[22..24],
                "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var compact))
            return (compact, true);
        if (utc is not null && DateTimeOffset.TryParse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at.Year >= 1980)
            return (at, false);
        return (null, false);
    }

    /// <summary>The frame shown at <paramref name="at"/>, upright, no wider than <see cref="MaxFrameWidth"/>.</summary>
    public PixelImage Frame(string path, TimeSpan at)
    {
        var bmp = Run(ffmpeg, ["-v", "error", "-nostdin", "-ss", at.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", path,
            "-frames:v", "1", "-vf", $"scale='min({MaxFrameWidth},iw)':-2", "-f", "image2pipe", "-c:v", "bmp", "-"], "decode a frame of", path);
        // ffmpeg answers nothing, and succeeds, where a stream has no frame at that moment (past its last one).
        using var codec = bmp.Length == 0 ? null : SKCodec.Create(new SKMemoryStream(bmp));
        using var decoded = codec is null ? null : SKBitmap.Decode(codec);
        if (decoded is null || decoded.Width < 2 || decoded.Height < 2)
            throw new PhotoDecodeException($"no frame at {at.TotalSeconds:0.#} s");
        var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888))
            throw new PhotoDecodeException($"no frame at {at.TotalSeconds:0.#} s");
        return new PixelImage(rgba);
    }

    /// <summary>
    /// Runs a tool on the video at <paramref name="path"/>; its last complaint (without the path) is the reason. Its
    /// answer is at most a frame the decoded-pixel limit allows.
    /// </summary>
    byte[] Run(string program, string[] args, string what, string path)
    {
        var child = ChildProcess.Run(program, args, [], _timeout, 4 * DecodeLimits.Default.MaxDecodedPixels + 1024, $"cannot start {program}");
        if (child.TimedOut)
            throw new PhotoDecodeException($"could not {what} the video in {_timeout.TotalSeconds:0} s (stopped; the file is skipped)");
        if (child.ExitCode != 0)
        {
            var said = ChildProcess.LastLine(child.Errors)?.Replace(path + ": ", "").Replace(path, "the file");
            throw new PhotoDecodeException($"damaged or unsupported video: could not {what} it ({said ?? $"exit {child.ExitCode}"})");
        }
        return child.Output ?? throw new PhotoDecodeException($"damaged or unsupported video: could not {what} it (its answer was larger than any frame)");
    }
}
