using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>Finds faces of every size in a photo by running the detector over a <see cref="DetectionPyramid"/>.</summary>
public sealed class FaceFinder(UltraFaceDetector detector, DetectionOptions options)
{
    readonly FaceScout _scout = new(detector, options);

    /// <summary>
    /// Faces in <paramref name="image"/>, boxes in its pixels, best first. <paramref name="minFacePx"/> is the
    /// smallest face to look for, in the same pixels.
    /// </summary>
    public List<Detection> Find(PixelImage image, double minFacePx)
    {
        var all = new List<Detection>();
        var inWindow = new List<Detection>();
        // The halvings of the image, made once and shared by every level that shrinks it a lot.
        var halves = new List<PixelImage> { image };
        try
        {
            foreach (var level in DetectionPyramid.Plan(image.Width, image.Height, minFacePx, options))
            {
                double sx = (double)image.Width / level.Width, sy = (double)image.Height / level.Height;
                using var owned = Resized(image, halves, level.Width, level.Height, level.IsStretched, out double scale);
                var levelImage = owned ?? image;
                var scouted = _scout.Applies(level) ? _scout.Windows(image, halves, level) : null;
                bool tiled = scouted is not null || level.IsTiled;
                foreach (var window in scouted ?? level.Windows)
                {
                    inWindow.Clear();
                    detector.DetectWindow(levelImage, scale, window.X, window.Y, window.Width, window.Height, options.MinScore, inWindow);
                    foreach (var d in inWindow)
                    {
                        if (Math.Max(d.Box.Width, d.Box.Height) > level.MaxFace)
                            continue; // a coarser level answers for faces this large
                        if (tiled && TouchesInnerEdge(d.Box, window, level.Width, level.Height))
                            continue; // cut by this window; the overlapping window sees it whole
                        all.Add(d with { Box = d.Box.ClipTo(level.Width, level.Height).Scale(sx, sy) });
                    }
                }
            }
        }
        finally
        {
            foreach (var half in halves.Skip(1)) half.Dispose();
        }
        return NonMaximumSuppression(all, options.NmsIoU);
    }

    /// <summary>
    /// <paramref name="image"/> as the detector sees it at <paramref name="width"/> x <paramref name="height"/>: a
    /// mild downscale (to half or more) is sampled on the fly at <paramref name="scale"/>, and null comes back; a
    /// strong one, or a stretch (level 0 changes the aspect), is a filtered copy made through <paramref name="halves"/>
    /// (the caller disposes it), seen at scale 1.
    /// </summary>
    internal static PixelImage? Resized(PixelImage image, List<PixelImage> halves, int width, int height, bool stretched, out double scale)
    {
        scale = 1.0;
        if (width == image.Width && height == image.Height) return null;
        double ratio = (double)width / image.Width;
        if (!stretched && ratio is >= 0.5 and < 1.0)
        {
            scale = ratio;
            return null;
        }
        return PixelImage.Shrink(halves, width, height);
    }

    /// <summary>The share of the smaller box's area that lies inside the other.</summary>
    static float Containment(FaceBox a, FaceBox b)
    {
        float ix = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X), iy = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        if (ix <= 0 || iy <= 0) return 0;
        return ix * iy / Math.Min(a.Area, b.Area);
    }

    static bool TouchesInnerEdge(FaceBox b, DetectorWindow w, int levelWidth, int levelHeight)
    {
        const float margin = 2;
        int x0 = w.X, y0 = w.Y, x1 = w.X + w.Width, y1 = w.Y + w.Height;
        return (x0 > 0 && b.X < x0 + margin) || (y0 > 0 && b.Y < y0 + margin)
            || (x1 < levelWidth && b.Right > x1 - margin) || (y1 < levelHeight && b.Bottom > y1 - margin);
    }

    /// <summary>
    /// Greedy NMS: keeps the best detection of each group overlapping by more than <paramref name="iou"/>, and drops
    /// a detection lying mostly inside a kept one (a part of a face seen at a finer level).
    /// </summary>
    internal static List<Detection> NonMaximumSuppression(List<Detection> detections, float iou)
    {
        detections.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<Detection>();
        foreach (var d in detections)
        {
            if (d.Box.Width < 1 || d.Box.Height < 1) continue;
            bool overlaps = false;
            foreach (var k in kept)
                if (k.Box.IoU(d.Box) > iou || Containment(k.Box, d.Box) > 0.6f) { overlaps = true; break; }
            if (!overlaps) kept.Add(d);
        }
        return kept;
    }
}
