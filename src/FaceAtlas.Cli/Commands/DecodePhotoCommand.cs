using System.Globalization;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary>
/// <c>faceatlas decode-photo MIN-SCALE MIN-LONG-SIDE MAX-DECLARED-PIXELS MAX-DECODED-PIXELS</c>, the child half of
/// <see cref="DecoderProcess"/> (not a command for people, so not in the help): reads one photo in a foreign format
/// from standard input, decodes it in this process, writes the <see cref="ForeignPicture"/> to standard output and
/// exits 0; a file it refuses exits <see cref="DecoderProcess.RefusedExitCode"/> with the reason on standard error.
/// </summary>
public static class DecodePhotoCommand
{
    public const string Name = "decode-photo";

    /// <summary>Larger input than any photo the indexer reads (its own limit is 512 MB) is refused unread.</summary>
    const long MaxInputBytes = 1L << 30;

    public static int Run(string[] args)
    {
        if (args.Length != 4
            || !double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var minScale)
            || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var minLongSide)
            || !long.TryParse(args[2], CultureInfo.InvariantCulture, out var maxDeclared)
            || !long.TryParse(args[3], CultureInfo.InvariantCulture, out var maxDecoded))
        {
            Console.Error.WriteLine($"faceatlas {Name}: expects MIN-SCALE MIN-LONG-SIDE MAX-DECLARED-PIXELS MAX-DECODED-PIXELS, and the photo on standard input");
            return ExitCodes.Usage;
        }
        var limits = new DecodeLimits { MaxDeclaredPixels = maxDeclared, MaxDecodedPixels = maxDecoded };
        var input = new MemoryStream();
        using (var stdin = Console.OpenStandardInput())
        {
            var chunk = new byte[1 << 16];
            int n;
            while ((n = stdin.Read(chunk)) > 0)
            {
                if (input.Length + n > MaxInputBytes)
                    return Refuse($"file too large ({MaxInputBytes >> 20} MB at most)");
                input.Write(chunk, 0, n);
            }
        }
        var bytes = input.GetBuffer().AsSpan(0, (int)input.Length);
        try
        {
            var format = ForeignFormat.Sniff(bytes) ?? throw new PhotoDecodeException("not a HEIC, AVIF, JPEG XL or camera RAW file");
            var picture = MagickDecoder.Instance.Decode(bytes, format, minScale, minLongSide, limits);
            using var stdout = Console.OpenStandardOutput();
            using var buffered = new BufferedStream(stdout, 1 << 20);
            picture.Write(buffered);
            return ExitCodes.Success;
        }
        catch (PhotoDecodeException e)
        {
            return Refuse(e.Message);
        }
    }

    static int Refuse(string reason)
    {
        Console.Error.WriteLine(reason);
        return DecoderProcess.RefusedExitCode;
    }

    /// <summary>
    /// The decoder this program hands foreign photos to: itself, run as <see cref="Name"/> in a child process, or the
    /// program <c>FACEATLAS_DECODER</c> names (which is given the same arguments and input). <c>FACEATLAS_DECODE_TIMEOUT</c>
    /// (seconds, default 120) bounds each file.
    /// </summary>
    public static DecoderProcess ChildDecoder()
    {
        var timeout = TimeSpan.FromSeconds(
            double.TryParse(Environment.GetEnvironmentVariable("FACEATLAS_DECODE_TIMEOUT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
                ? s : 120);
        if (Environment.GetEnvironmentVariable("FACEATLAS_DECODER") is { Length: > 0 } chosen)
            return new DecoderProcess(chosen, [], timeout);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("this program's own path is unknown");
        // Run as `dotnet faceatlas.dll` (a framework-dependent build started by hand): the child needs the dll named.
        var dll = Path.Combine(AppContext.BaseDirectory, "faceatlas.dll");
        return Path.GetFileNameWithoutExtension(self) == "dotnet" && File.Exists(dll)
            ? new DecoderProcess(self, [dll, Name], timeout)
            : new DecoderProcess(self, [Name], timeout);
    }
}
