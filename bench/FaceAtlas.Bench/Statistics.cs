namespace FaceAtlas.Bench;

/// <summary>Order statistics the quality benchmarks report.</summary>
internal static class Statistics
{
    public static float Median(IEnumerable<float> values) => Percentile(values, 0.5);

    /// <summary>The value at fraction <paramref name="p"/> of the sorted values (the lower one between two); NaN for none.</summary>
    public static float Percentile(IEnumerable<float> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? float.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
