namespace FaceAtlas.Bench;

/// <summary>The benchmarks' options: a name and the word after it.</summary>
internal static class BenchArgs
{
    /// <summary>The whole number after <paramref name="name"/>, or <paramref name="fallback"/> when the option is not given.</summary>
    public static int Option(string[] args, string name, int fallback) => Value(args, name) is { } value ? int.Parse(value) : fallback;

    /// <summary>The word after <paramref name="name"/>; null when the option is not given.</summary>
    public static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value");
    }
}
