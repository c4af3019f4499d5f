using System.Diagnostics;
using System.Globalization;

namespace FaceAtlas.Vision;

/// <summary>
/// Decodes each foreign photo in a child process (<c>faceatlas decode-photo</c>): the native decoders parse untrusted
/// bytes, and a file that crashes one, or hangs it, then costs that file alone. The photo's bytes go to the child's
/// standard input; it answers a <see cref="ForeignPicture"/> on its standard output and exits 0, or exits
/// <see cref="RefusedExitCode"/> with the reason on its standard error. A child still running after
/// <paramref name="timeout"/> is killed, and one that dies of a signal is reported by name; either way the photo is
/// failed with that reason and the run goes on.
/// </summary>
public sealed class DecoderProcess(string program, IReadOnlyList<string> arguments, TimeSpan timeout) : IForeignDecoder
{
    /// <summary>The child's status for a file it read and refused (<see cref="PhotoDecodeException"/>).</summary>
    public const int RefusedExitCode = 2;

    public ForeignPicture Decode(ReadOnlySpan<byte> encoded, ForeignFormat format, double minScale, int minLongSide, DecodeLimits limits)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add(minScale.ToString("R", CultureInfo.InvariantCulture));
        info.ArgumentList.Add(minLongSide.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(limits.MaxDeclaredPixels.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(limits.MaxDecodedPixels.ToString(CultureInfo.InvariantCulture));

        Process? started;
        try
        {
            started = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PhotoDecodeException($"cannot start the {format.Name} decoder ({program}): {e.Message}");
        }
        using var child = started ?? throw new PhotoDecodeException($"cannot start the {format.Name} decoder ({program})");
        var input = encoded.ToArray();
        // The answer can be no larger than the decoded-pixel limit allows: a child writing more is killed.
        long most = 4 * limits.MaxDecodedPixels + 1024;
        var output = Task.Run(() => ReadAtMost(child, most));
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
            throw new PhotoDecodeException(
                $"decoding this {format.Name} took longer than {timeout.TotalSeconds:0} s (the decoder was stopped; the file is skipped)");
        }
        child.WaitForExit(); // the streams to their end
        feeding.Wait();
        var answer = output.Result;
        if (child.ExitCode == 0)
            return (answer is null ? null : ForeignPicture.Read(answer))
                   ?? throw new PhotoDecodeException($"the {format.Name} decoder answered nothing usable");
        var said = errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (child.ExitCode == RefusedExitCode && said is not null)
            throw new PhotoDecodeException(said);
        throw new PhotoDecodeException(child.ExitCode > 128
            ? $"the {format.Name} decoder crashed on this file ({SignalName(child.ExitCode - 128)}); the file is skipped"
            : $"the {format.Name} decoder failed on this file (exit {child.ExitCode}{(said is null ? "" : ": " + said)})");
    }

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

    static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL, perhaps out of memory",
        11 => "SIGSEGV",
        _ => $"signal {signal}",
    };
}
