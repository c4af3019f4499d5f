using System.Diagnostics;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>Runs the real faceatlas program (built beside these tests) as a child process.</summary>
internal static class Cli
{
    /// <summary>
    /// The program built with the same configuration as this test assembly, or the one FACEATLAS_TEST_PROGRAM names
    /// (say the launcher's native build, .build/app/faceatlas, to run these tests against what users run).
    /// </summary>
    public static string Program { get; } = Locate();

    static string Locate()
    {
        if (Environment.GetEnvironmentVariable("FACEATLAS_TEST_PROGRAM") is { Length: > 0 } chosen)
            return File.Exists(chosen) ? Path.GetFullPath(chosen) : throw new FileNotFoundException($"FACEATLAS_TEST_PROGRAM: no program at {chosen}");
        // .build/bin/FaceAtlas.Cli.Tests/<config>/ -> .build/bin/FaceAtlas.Cli/<config>/faceatlas
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(here.Parent!.Parent!.FullName, "FaceAtlas.Cli", here.Name, "faceatlas");
        return File.Exists(path) ? path : throw new FileNotFoundException($"faceatlas not built at {path}");
    }

    public static Process Start(params string[] args) => Start(args, new Dictionary<string, string>());

    /// <summary>
    /// Starts the program with <paramref name="environment"/> added to this process's and the variables named in
    /// <paramref name="unset"/> taken out.
    /// </summary>
    public static Process Start(string[] args, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? unset = null) =>
        StartProgram(Program, args, environment, unset);

    /// <summary>As <see cref="Start(string[], IReadOnlyDictionary{string, string}, IEnumerable{string}?)"/>, with another program (the launcher).</summary>
    public static Process StartProgram(string program, string[] args, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? unset = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("FACEATLAS_CATALOG");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        foreach (var name in unset ?? []) info.Environment.Remove(name);
        return Process.Start(info)!;
    }

    /// <summary>Sends <paramref name="signal"/> (KILL, TERM, INT) to the program, as a service manager or a terminal would.</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, process.Id.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0 || process.HasExited, $"kill -s {signal} {process.Id} failed");
    }

    /// <summary>Runs a command that must succeed and parses its JSON lines.</summary>
    public static List<JsonElement> JsonLines(params string[] args) => JsonLinesOf(Program, args);

    /// <summary>As <see cref="JsonLines"/>, with another program (the launcher).</summary>
    public static List<JsonElement> JsonLinesOf(string program, params string[] args)
    {
        var (exit, output, err) = RunProgram(program, args);
        Assert.True(exit == 0, $"{program} {string.Join(' ', args)} exited {exit}: {err}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunProgram(Program, args);

    /// <summary>As <see cref="Run"/>, with another program (the launcher).</summary>
    public static (int Exit, string Out, string Err) RunProgram(string program, params string[] args)
    {
        var (exit, output, error, _) = RunMeasuredProgram(program, args);
        return (exit, output, error);
    }

    public static (int Exit, string Out, string Err, long PeakBytes) RunMeasured(params string[] args) => RunMeasuredProgram(Program, args);

    /// <summary>
    /// Runs a command and reports its peak resident memory: Linux's high-water mark (VmHWM), read every 20 ms until
    /// the process exits. The mark only grows, so a late read misses nothing but the last 20 ms.
    /// </summary>
    static (int Exit, string Out, string Err, long PeakBytes) RunMeasuredProgram(string program, string[] args)
    {
        using var p = StartProgram(program, args, new Dictionary<string, string>());
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var status = $"/proc/{p.Id}/status";
        long peak = 0;
        var deadline = Stopwatch.StartNew();
        while (!p.WaitForExit(20))
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(15))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 15 minutes");
            }
            peak = Math.Max(peak, HighWaterMark(status));
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result, peak);
    }

    static long HighWaterMark(string status)
    {
        try
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0; // the process has just exited
        }
    }
}
