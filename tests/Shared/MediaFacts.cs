using Xunit;

namespace FaceAtlas.Testing;

/// <summary>A test that needs the datasets and Debian's media tools; skipped, naming what is missing, without them.</summary>
public sealed class MediaFactAttribute : FactAttribute
{
    public MediaFactAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
        else if (new[] { "heif-enc", "cjxl" }.FirstOrDefault(t => !MediaTools.Has(t)) is { } missing)
            Skip = $"{missing} not found (apt-get install libheif-examples libjxl-tools)";
    }
}

/// <summary>A test that needs the datasets and Debian's ffmpeg; skipped, saying so, without them.</summary>
public sealed class VideoFactAttribute : FactAttribute
{
    public VideoFactAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
        else if (!MediaTools.Has("ffmpeg") || !MediaTools.Has("ffprobe")) Skip = "ffmpeg not found (apt-get install ffmpeg)";
    }
}
