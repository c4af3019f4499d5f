using System.Collections.Concurrent;

namespace FaceAtlas.Vision;

/// <summary>
/// UltraFace's anchor boxes for an input of any size: per feature map (strides 8, 16, 32, 64; ceil(size / stride)
/// cells), row by row, cell by cell, one prior per anchor size; centre (i + 0.5) / cells and size in 0..1 of the
/// input, clamped.
/// The original graph holds these as a constant for 320x240; computing them lets the network run at other sizes.
/// </summary>
internal static class PriorBoxes
{
    static readonly int[] Strides = [8, 16, 32, 64];
    static readonly float[][] AnchorSizes = [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]];
    static readonly ConcurrentDictionary<(int, int), float[]> Cache = new();

    /// <summary>(cx, cy, w, h) quadruples for a <paramref name="width"/> x <paramref name="height"/> input.</summary>
    public static float[] For(int width, int height) => Cache.GetOrAdd((width, height), key => Make(key.Item1, key.Item2));

    static float[] Make(int width, int height)
    {
        var priors = new List<float>();
        for (int k = 0; k < Strides.Length; k++)
        {
            int cols = (int)Math.Ceiling((double)width / Strides[k]), rows = (int)Math.Ceiling((double)height / Strides[k]);
            for (int j = 0; j < rows; j++)
                for (int i = 0; i < cols; i++)
                {
                    float cx = (i + 0.5f) / cols, cy = (j + 0.5f) / rows; // centres spread over the cells, as UltraFace made them
                    foreach (var size in AnchorSizes[k])
                    {
                        priors.Add(Math.Clamp(cx, 0, 1));
                        priors.Add(Math.Clamp(cy, 0, 1));
                        priors.Add(Math.Clamp(size / width, 0, 1));
                        priors.Add(Math.Clamp(size / height, 0, 1));
                    }
                }
        }
        return [.. priors];
    }
}
