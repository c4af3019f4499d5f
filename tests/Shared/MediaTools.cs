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

    /// <summary>
    /// A 1080p H.264 slideshow of <paramref name="photos"/>, three seconds each, written by ffmpeg to
    /// <paramref name="target"/>, with the container tags given (creation_time, Apple's keys).
    /// </summary>
    public static void Slideshow(string[] photos, string target, params (string Key, string Value)[] tags)
    {
        var args = new List<string> { "-v", "error", "-y" };
        foreach (var p in photos) args.AddRange(["-loop", "1", "-t", "3", "-i", p]);
        var scaled = string.Concat(photos.Select((_, i) =>
            $"[{i}]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1[v{i}];"));
        var inputs = string.Concat(photos.Select((_, i) => $"[v{i}]"));
        args.AddRange(["-filter_complex", $"{scaled}{inputs}concat=n={photos.Length}:v=1[out]", "-map", "[out]", "-r", "25",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "use_metadata_tags"]);
        foreach (var (key, value) in tags) args.AddRange(["-metadata", $"{key}={value}"]);
        args.Add(target);
        Run("ffmpeg", [.. args]);
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
