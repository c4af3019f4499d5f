using System.Diagnostics;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>How a child program ended: its status, its output (null when it wrote more than allowed), what it said on its standard error.</summary>
internal sealed record ChildResult(int ExitCode, byte[]? Output, string Errors, bool TimedOut);

/// <summary>
/// A program run on untrusted input (the foreign-photo decoder, ffprobe, ffmpeg) as a child: given its input, its output
/// bounded (a child writing more is killed), stopped with everything it started when it outlives its time. A program
/// that cannot be started is a <see cref="PhotoDecodeException"/>: that file fails, not the run.
/// </summary>
internal static class ChildProcess
{
    public static ChildResult Run(string program, IEnumerable<string> arguments, byte[] input, TimeSpan timeout, long mostOutput, string cannotStart)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process? started;
        try
        {
            started = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PhotoDecodeException($"{cannotStart}: {e.Message}");
        }
        using var child = started ?? throw new PhotoDecodeException(cannotStart);
        var output = Task.Run(() => ReadAtMost(child, mostOutput));
        var errors = child.StandardError.ReadToEndAsync();
        var feeding = Task.Run(() =>
        {
            try
            {
                child.StandardInput.BaseStream.Write(input);
                child.StandardInput.Close();
            }
            catch (IOException)
            {
                // the child stopped reading: its exit says why
            }
        });
        if (!child.WaitForExit(timeout))
        {
            Kill(child);
            return new ChildResult(-1, null, "", TimedOut: true);
        }
        child.WaitForExit(); // the streams to their end
        feeding.Wait();
        return new ChildResult(child.ExitCode, output.Result, errors.Result, TimedOut: false);
    }

    /// <summary>The last line the child wrote on its standard error, if any.</summary>
    public static string? LastLine(string errors) =>
        errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    static byte[]? ReadAtMost(Process child, long most)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = child.StandardOutput.BaseStream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > most)
            {
                Kill(child);
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    static void Kill(Process child)
    {
        try
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // it ended meanwhile
        }
    }
}
