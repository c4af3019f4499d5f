using System.Diagnostics;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>Runs the real faceatlas program (built beside these tests) as a child process.</summary>
internal static class Cli
{
    /// <summary>The program built with the same configuration as this test assembly.</summary>
    public static string Program { get; } = Locate();

    static string Locate()
    {
        // .build/bin/FaceAtlas.Cli.Tests/<config>/ -> .build/bin/FaceAtlas.Cli/<config>/faceatlas
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(here.Parent!.Parent!.FullName, "FaceAtlas.Cli", here.Name, "faceatlas");
        return File.Exists(path) ? path : throw new FileNotFoundException($"faceatlas not built at {path}");
    }

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("FACEATLAS_CATALOG");
        return Process.Start(info)!;
    }

    /// <summary>Runs a command that must succeed and parses its JSON lines.</summary>
    public static List<JsonElement> JsonLines(params string[] args)
    {
        var (exit, output, err) = Run(args);
        Assert.True(exit == 0, $"faceatlas {string.Join(' ', args)} exited {exit}: {err}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"faceatlas {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
