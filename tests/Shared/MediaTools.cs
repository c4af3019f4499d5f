using System.Diagnostics;

namespace FaceAtlas.Testing;

/// <summary>
/// Debian's media tools the tests make HEIC, AVIF and JPEG XL files with (libheif-examples' heif-enc, libjxl-tools'
/// cjxl): real encoders, so the decoders are tested on files as other programs write them.
/// </summary>
public static class MediaTools
{
    public static bool Has(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>Runs <paramref name="tool"/> and fails the test with its output when it fails.</summary>
    public static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {error}{output.Result}");
    }

    /// <summary>The JPEG at <paramref name="jpeg"/> encoded by <paramref name="tool"/> into <paramref name="target"/>.</summary>
    public static byte[] Encode(string jpeg, string target)
    {
        switch (Path.GetExtension(target))
        {
            case ".heic": Run("heif-enc", "-q", "85", "-o", target, jpeg); break;
            case ".avif": Run("heif-enc", "-A", "-q", "75", "-o", target, jpeg); break;
            case ".jxl": Run("cjxl", jpeg, target); break; // a JPEG recompressed losslessly, cjxl's default
            default: throw new ArgumentException($"no encoder for {target}");
        }
        return File.ReadAllBytes(target);
    }
}

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
