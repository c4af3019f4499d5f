using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>
/// Finds where a large fine pyramid level may hold faces, so that the detector looks there closely instead of at
/// every pixel. The level is first seen <see cref="DetectionOptions.ScoutRatio"/> times smaller, where its
/// smallest faces are about the detector's smallest prior (10 px), with a low bar; each proposal then gets a small
/// window of the level itself, where the usual bar decides. On a 12 MP photo this replaces one 1600x1216 pass with
/// one of 1088x832 and a few of 128-512 px (docs/BENCHMARKS.md, "Scouting the fine level").
/// </summary>
internal sealed class FaceScout(UltraFaceDetector detector, DetectionOptions options)
{
    const float SameProposal = 0.3f;

    public bool Applies(PyramidLevel level) =>
        options.ScoutRatio is > 0 and < 1 && !level.IsStretched && (long)level.Width * level.Height >= options.ScoutFromPixels;

    /// <summary>
    /// Windows of <paramref name="level"/> around every proposal, or null where they would cover so much of the level
    /// (a crowd) that looking at all of it is cheaper.
    /// </summary>
    public List<DetectorWindow>? Windows(PixelImage image, List<PixelImage> halves, PyramidLevel level)
    {
        var proposals = Propose(image, halves, level);
        var windows = new List<DetectorWindow>();
        long covered = 0, limit = (long)(options.ScoutMaxCover * level.Width * level.Height);
        foreach (var p in proposals)
        {
            float side = Math.Max(p.Width, p.Height);
            // Room around the face for the detector's context, and so that the face never touches the window's edge.
            float room = Math.Max(32, side);
            if (windows.Any(w => Inside(p, w, room))) continue; // already seen with all its room
            var window = Around(p, room, level);
            windows.Add(window);
            covered += (long)window.Width * window.Height;
            if (covered > limit) return null;
        }
        return windows;
    }

    /// <summary>
    /// Boxes in level pixels of what may be faces small enough for this level, best first, one of each group
    /// overlapping by more than <see cref="SameProposal"/>. Only overlap counts, not containment (unlike the faces'
    /// own suppression): a face inside a larger false proposal keeps its own proposal, so its window is sure to hold
    /// it with room.
    /// </summary>
    List<FaceBox> Propose(PixelImage image, List<PixelImage> halves, PyramidLevel level)
    {
        int width = Math.Max(1, (int)Math.Round(level.Width * options.ScoutRatio));
        int height = Math.Max(1, (int)Math.Round(level.Height * options.ScoutRatio));
        using var owned = FaceFinder.Resized(image, halves, width, height, stretched: false, out double scale);
        var scoutImage = owned ?? image;
        int overlap = (int)Math.Ceiling(Math.Min(level.MaxFace, Math.Max(level.Width, level.Height)) * options.ScoutRatio * 1.15);
        var found = new List<Detection>();
        foreach (var w in DetectionPyramid.Windows(width, height, overlap, options.MaxWindowSide))
            detector.DetectWindow(scoutImage, scale, w.X, w.Y, w.Width, w.Height, options.ScoutMinScore, found);
        double back = (double)level.Width / width;
        var kept = new List<FaceBox>();
        foreach (var d in found.OrderByDescending(d => d.Score))
        {
            var box = d.Box.Scale(back, back);
            if (Math.Max(box.Width, box.Height) > level.MaxFace * 1.5f) continue; // a coarser level's face
            if (!kept.Any(k => k.IoU(box) > SameProposal)) kept.Add(box);
        }
        return kept;
    }

    static bool Inside(FaceBox b, DetectorWindow w, float margin) =>
        b.X >= w.X + margin && b.Y >= w.Y + margin && b.Right <= w.X + w.Width - margin && b.Bottom <= w.Y + w.Height - margin;

    /// <summary>
    /// A window holding <paramref name="b"/> with <paramref name="room"/> around it, on the whole level's grid of
    /// 64 px cells: the detector's score for a face changes with where it falls between its cells' anchors (one face
    /// scored 0.51 to 0.98 as a window slid by a few pixels), so a window placed on the level's own grid shows a face
    /// to the same anchors a pass over the whole level would, and it scores as it would there.
    /// </summary>
    internal static DetectorWindow Around(FaceBox b, float room, PyramidLevel level)
    {
        const int cell = DetectionPyramid.Align;
        int x0 = Math.Max(0, (int)Math.Floor((b.X - room) / cell) * cell), y0 = Math.Max(0, (int)Math.Floor((b.Y - room) / cell) * cell);
        int x1 = Math.Min(DetectionPyramid.RoundUp(level.Width), DetectionPyramid.RoundUp((int)Math.Ceiling(b.Right + room)));
        int y1 = Math.Min(DetectionPyramid.RoundUp(level.Height), DetectionPyramid.RoundUp((int)Math.Ceiling(b.Bottom + room)));
        return new DetectorWindow(x0, y0, Math.Max(cell, x1 - x0), Math.Max(cell, y1 - y0));
    }
}
