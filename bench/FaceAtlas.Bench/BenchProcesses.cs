using System.Diagnostics;
using System.Text.Json;

namespace FaceAtlas.Bench;

/// <summary>The program run as a user runs it, and the web app asked as its pages ask.</summary>
internal static class BenchProcesses
{
    /// <summary>A process's peak resident memory (VmHWM), in bytes.</summary>
    public static long HighWaterMark(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    /// <summary>A GET of the web app's API as its pages send it, answered as JSON.</summary>
    public static async Task<JsonElement> GetFromJsonElement(this HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-FaceAtlas-Request", "1");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>
    /// `./faceatlas serve` started on <paramref name="catalog"/> on a free port, and the address it printed (ending in
    /// '/'); its output read on, so that it never waits on a full pipe. The caller stops it.
    /// </summary>
    public static async Task<(Process Serve, string Address)> StartServe(string launcher, string catalog)
    {
        var serve = Start(launcher, "serve", "--port", "0", "--catalog", catalog);
        var address = (await serve.StandardOutput.ReadLineAsync())!["FaceAtlas is at ".Length..].Split(' ')[0];
        _ = serve.StandardOutput.ReadToEndAsync();
        _ = serve.StandardError.ReadToEndAsync();
        return (serve, address);
    }

    public static Process Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        return process;
    }
}
