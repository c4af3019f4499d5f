using System.Globalization;
using FaceAtlas.Core.Faces;

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
        string[] args =
        [
            .. arguments, minScale.ToString("R", CultureInfo.InvariantCulture), minLongSide.ToString(CultureInfo.InvariantCulture),
            limits.MaxDeclaredPixels.ToString(CultureInfo.InvariantCulture), limits.MaxDecodedPixels.ToString(CultureInfo.InvariantCulture),
        ];
        // The answer can be no larger than the decoded-pixel limit allows: a child writing more is killed.
        var child = ChildProcess.Run(program, args, encoded.ToArray(), timeout, 4 * limits.MaxDecodedPixels + 1024,
            $"cannot start the {format.Name} decoder ({program})");
        if (child.TimedOut)
            throw new PhotoDecodeException(
                $"decoding this {format.Name} took longer than {timeout.TotalSeconds:0} s (the decoder was stopped; the file is skipped)");
        if (child.ExitCode == 0)
            return (child.Output is null ? null : ForeignPicture.Read(child.Output))
                   ?? throw new PhotoDecodeException($"the {format.Name} decoder answered nothing usable");
        var said = ChildProcess.LastLine(child.Errors);
        if (child.ExitCode == RefusedExitCode && said is not null)
            throw new PhotoDecodeException(said);
        throw new PhotoDecodeException(child.ExitCode > 128
            ? $"the {format.Name} decoder crashed on this file ({SignalName(child.ExitCode - 128)}); the file is skipped"
            : $"the {format.Name} decoder failed on this file (exit {child.ExitCode}{(said is null ? "" : ": " + said)})");
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
