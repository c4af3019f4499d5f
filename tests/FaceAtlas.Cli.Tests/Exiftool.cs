using System.Diagnostics;
using FaceAtlas.Testing;

namespace FaceAtlas.Cli.Tests;

/// <summary>Debian's exiftool (libimage-exiftool-perl): the outside reader and writer of XMP the tag tests trust.</summary>
internal static class Exiftool
{
    public static readonly string? Program = new[] { "/usr/bin/exiftool", "/usr/local/bin/exiftool" }.FirstOrDefault(File.Exists);

    public const string SkipReason = "exiftool not found (Debian: apt-get install libimage-exiftool-perl; .ci/run installs it)";

    /// <summary>Runs exiftool; it must succeed. Returns its standard output.</summary>
    public static string Run(params string[] args)
    {
        var info = new ProcessStartInfo(Program!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"exiftool {string.Join(' ', args)} exited {p.ExitCode}: {error}");
        return output.Result;
    }

    /// <summary>
    /// Writes MWG face regions as digiKam and Lightroom write them: into <paramref name="file"/> (a photo, changed in
    /// place, or a sidecar .xmp, made when missing), each region named, its box by centre in fractions of the photo.
    /// </summary>
    public static void WriteMwgRegions(string file, int width, int height, params (string Name, double X, double Y, double W, double H)[] regions) =>
        WriteMwgRegions(file, width, height, "Face", regions);

    /// <summary>The same with regions of another <paramref name="type"/> (Pet, Focus, BarCode).</summary>
    public static void WriteMwgRegions(string file, int width, int height, string type, params (string Name, double X, double Y, double W, double H)[] regions)
    {
        static string F(double v) => v.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture);
        var list = string.Join(",", regions.Select(r =>
            $"{{Area={{X={F(r.X + r.W / 2)},Y={F(r.Y + r.H / 2)},W={F(r.W)},H={F(r.H)},Unit=normalized}},Name={r.Name},Type={type}}}"));
        Run("-q", "-overwrite_original", $"-XMP-mwg-rs:RegionInfo={{AppliedToDimensions={{W={width},H={height},Unit=pixel}},RegionList=[{list}]}}", file);
    }

    /// <summary>Writes Microsoft's older regions (<c>MP:RegionInfo</c>, a box by its corner) into <paramref name="file"/>.</summary>
    public static void WriteMicrosoftRegions(string file, params (string Name, double X, double Y, double W, double H)[] regions)
    {
        static string F(double v) => v.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture);
        var list = string.Join(",", regions.Select(r => $"{{PersonDisplayName={r.Name},Rectangle={F(r.X)}|, {F(r.Y)}|, {F(r.W)}|, {F(r.H)}}}"));
        Run("-q", "-overwrite_original", $"-XMP-MP:RegionInfoMP={{Regions=[{list}]}}", file);
    }
}

/// <summary>A fact that needs exiftool and the shared photos; skipped, saying which is missing, without them.</summary>
public sealed class ExiftoolFactAttribute : FactAttribute
{
    public ExiftoolFactAttribute()
    {
        if (Exiftool.Program is null) Skip = Exiftool.SkipReason;
        else if (!Datasets.Present) Skip = Datasets.SkipReason;
    }

    /// <summary>Also Debian's heif-enc, for a test that writes HEIC and AVIF photos.</summary>
    public bool NeedsEncoders
    {
        get => false;
        set
        {
            if (value && Skip is null && !MediaTools.Has("heif-enc")) Skip = "heif-enc not found (apt-get install libheif-examples)";
        }
    }
}
