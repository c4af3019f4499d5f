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

    public static Process Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        return process;
    }
}
