using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>A face crop as the input of a network trained on ImageNet's statistics, and how sharp the crop is.</summary>
internal static class ImageNetTensor
{
    /// <summary>The rectangle inside a width x height image, at least one pixel.</summary>
    internal static SKRectI Clip(SKRectI r, int width, int height)
    {
        int l = Math.Clamp(r.Left, 0, width - 1), t = Math.Clamp(r.Top, 0, height - 1);
        return new SKRectI(l, t, Math.Clamp(r.Right, l + 1, width), Math.Clamp(r.Bottom, t + 1, height));
    }

    /// <summary>
    /// The crop resized to side x side into colour planes (R, G, B or B, G, R), (v/255 - mean)/std with ImageNet's
    /// figures (listed for R, G, B, and used in that plane order whatever the colours); also the variance
    /// of the Laplacian of the crop's grey centre (the face without the margin), a measure of how sharp it is.
    /// </summary>
    internal static void Fill(PixelImage image, SKRectI crop, int side, bool bgr, Span<float> tensor, out float laplacianVariance)
    {
        var px = image.CropScaled(crop, side);
        int rowBytes = side * 4, plane = side * side, r = bgr ? 2 : 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int p = y * rowBytes + x * 4, o = y * side + x;
                tensor[o] = (px[p + r] / 255f - 0.485f) / 0.229f;
                tensor[plane + o] = (px[p + 1] / 255f - 0.456f) / 0.224f;
                tensor[2 * plane + o] = (px[p + 2 - r] / 255f - 0.406f) / 0.225f;
            }
        laplacianVariance = LaplacianVariance(px, rowBytes, side);
    }

    static float LaplacianVariance(ReadOnlySpan<byte> px, int rowBytes, int side)
    {
        int from = side / 6, to = side - side / 6;
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int y = from; y < to; y++)
            for (int x = from; x < to; x++)
            {
                float lap = 4 * Grey(px, rowBytes, x, y) - Grey(px, rowBytes, x - 1, y) - Grey(px, rowBytes, x + 1, y)
                    - Grey(px, rowBytes, x, y - 1) - Grey(px, rowBytes, x, y + 1);
                sum += lap;
                sumSquares += lap * lap;
                n++;
            }
        double mean = sum / n;
        return (float)(sumSquares / n - mean * mean);
    }

    static float Grey(ReadOnlySpan<byte> px, int rowBytes, int x, int y)
    {
        int p = y * rowBytes + x * 4;
        return 0.299f * px[p] + 0.587f * px[p + 1] + 0.114f * px[p + 2];
    }
}
