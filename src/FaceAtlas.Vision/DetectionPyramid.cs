namespace FaceAtlas.Vision;

/// <summary>A region of a pyramid level shown to the detector in one pass (it may hang over the level's edges).</summary>
internal readonly record struct DetectorWindow(int X, int Y, int Width, int Height);

/// <summary>
/// One level of the detection pyramid: the image resized to Width x Height, looked at through windows.
/// <see cref="MaxFace"/> is the largest face (level pixels) this level answers for: larger ones belong to a coarser
/// level, and what a fine level "sees" inside a large face or in texture (an eye, a mouth, a fist) would be a false face.
/// </summary>
internal sealed record PyramidLevel(int Width, int Height, IReadOnlyList<DetectorWindow> Windows, float MaxFace = float.MaxValue,
    bool IsStretched = false)
{
    public bool IsTiled => Windows.Count > 1;
}

/// <summary>
/// Plans where the detector looks so that faces from the smallest size asked for up to the whole photo are seen
/// at a size it detects. Level 0 stretches the whole photo into the network's own 320x240 (large faces); each
/// further level is <see cref="DetectionOptions.LevelRatio"/> times finer, shown in one window when it fits in
/// <see cref="DetectionOptions.MaxWindowSide"/>, else in windows that overlap by more than the largest face the
/// coarser level could have missed, so no face is cut by every window.
/// </summary>
internal static class DetectionPyramid
{
    internal const int Align = 64; // the coarsest feature map's stride: windows of whole cells

    public static List<PyramidLevel> Plan(int width, int height, double minFacePx, DetectionOptions options)
    {
        const int W = UltraFaceDetector.BaseWidth, H = UltraFaceDetector.BaseHeight;
        var levels = new List<PyramidLevel> { new(W, H, [new DetectorWindow(0, 0, W, H)], IsStretched: true) };
        double scale = Math.Min((double)W / width, (double)H / height);
        double seen = options.DetectorMinFace / scale;
        int overlap = (int)Math.Ceiling(options.DetectorMinFace * options.LevelRatio * 1.15);
        while (seen > minFacePx)
        {
            // Each level is LevelRatio finer, but never finer than the smallest face asked for needs, nor upscaled.
            double next = Math.Min(Math.Min(scale * options.LevelRatio, options.DetectorMinFace / minFacePx), 1.0);
            if (next <= scale * 1.01) break;
            scale = next;
            int lw = Math.Max(1, (int)Math.Round(width * scale)), lh = Math.Max(1, (int)Math.Round(height * scale));
            levels.Add(new PyramidLevel(lw, lh, Windows(lw, lh, overlap, options.MaxWindowSide), overlap));
            seen = options.DetectorMinFace / scale;
        }
        return levels;
    }

    internal static List<DetectorWindow> Windows(int width, int height, int overlap, int maxSide)
    {
        int ww = Math.Min(RoundUp(width), RoundUp(maxSide)), wh = Math.Min(RoundUp(height), RoundUp(maxSide));
        var windows = new List<DetectorWindow>();
        foreach (var y in Starts(height, wh, overlap))
            foreach (var x in Starts(width, ww, overlap))
                windows.Add(new DetectorWindow(x, y, ww, wh));
        return windows;
    }

    internal static int RoundUp(int v) => (v + Align - 1) / Align * Align;

    /// <summary>Window starts spread evenly from 0 to size - window, consecutive windows overlapping by at least <paramref name="overlap"/>.</summary>
    internal static List<int> Starts(int size, int window, int overlap)
    {
        if (size <= window) return [0];
        int count = Math.Max(2, (int)Math.Ceiling((double)(size - overlap) / (window - overlap)));
        var starts = new List<int>(count);
        for (int i = 0; i < count; i++)
            starts.Add((int)Math.Round((double)i * (size - window) / (count - 1)));
        return starts;
    }
}
