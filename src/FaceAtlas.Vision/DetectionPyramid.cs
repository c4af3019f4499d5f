namespace FaceAtlas.Vision;

/// <summary>One level of the detection pyramid: the image resized to Width x Height, looked at through 320x240 windows.</summary>
/// <see cref="MaxFace"/> is the largest face (level pixels) this level answers for: larger ones belong to a coarser level,
/// and what a fine level "sees" inside a large face or in texture (an eye, a mouth, a fist) would be a false face.
internal sealed record PyramidLevel(int Width, int Height, IReadOnlyList<(int X, int Y)> Windows, float MaxFace = float.MaxValue)
{
    public bool IsTiled => Windows.Count > 1 || Width > UltraFaceDetector.InputWidth || Height > UltraFaceDetector.InputHeight;
}

/// <summary>
/// Plans where the detector looks so that faces from <see cref="DetectionOptions.MinFaceSize"/> up to the whole
/// photo are seen at a size it detects. Level 0 stretches the whole photo into one window (large faces); each
/// further level is <see cref="DetectionOptions.LevelRatio"/> times finer and tiled with windows that overlap by
/// more than the largest face the coarser level could have missed, so no face is cut by every window.
/// </summary>
internal static class DetectionPyramid
{
    const int W = UltraFaceDetector.InputWidth, H = UltraFaceDetector.InputHeight;

    public static List<PyramidLevel> Plan(int width, int height, double minFacePx, DetectionOptions options)
    {
        var levels = new List<PyramidLevel> { new(W, H, [(0, 0)]) };
        double seen = options.DetectorMinFace / Math.Min((double)W / width, (double)H / height);
        double scale = Math.Min((double)W / width, (double)H / height);
        int overlap = (int)Math.Ceiling(options.DetectorMinFace * options.LevelRatio * 1.15);
        while (seen > minFacePx)
        {
            // Each level is LevelRatio finer, but never finer than the smallest face asked for needs, nor upscaled.
            double next = Math.Min(Math.Min(scale * options.LevelRatio, options.DetectorMinFace / minFacePx), 1.0);
            if (next <= scale * 1.01) break;
            scale = next;
            int lw = Math.Max(1, (int)Math.Round(width * scale)), lh = Math.Max(1, (int)Math.Round(height * scale));
            levels.Add(new PyramidLevel(lw, lh, Windows(lw, lh, overlap), overlap));
            seen = options.DetectorMinFace / scale;
        }
        return levels;
    }

    static List<(int, int)> Windows(int width, int height, int overlap)
    {
        var xs = Starts(width, W, overlap);
        var ys = Starts(height, H, overlap);
        var windows = new List<(int, int)>(xs.Count * ys.Count);
        foreach (var y in ys)
            foreach (var x in xs)
                windows.Add((x, y));
        return windows;
    }

    /// <summary>Window starts spread evenly from 0 to size - window, consecutive windows overlapping by at least <paramref name="overlap"/>.</summary>
    internal static List<int> Starts(int size, int window, int overlap)
    {
        if (size <= window) return [0];
        int count = (int)Math.Ceiling((double)(size - overlap) / (window - overlap));
        count = Math.Max(count, 2);
        var starts = new List<int>(count);
        for (int i = 0; i < count; i++)
            starts.Add((int)Math.Round((double)i * (size - window) / (count - 1)));
        return starts;
    }
}
