using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli;

/// <summary>
/// The one map from a failure to what the command line says and the exit status (README, "Exit codes"). Failures a
/// catalog store raises in its own terms are first put in the shared ones by the store.
/// </summary>
internal sealed record CommandFailure(int ExitCode, string Message)
{
    public static CommandFailure? From(Exception error, ICatalogStore? store)
    {
        var e = store?.Explain(error) ?? error;
        return e switch
        {
            UsageException => new(ExitCodes.Usage, e.Message),
            CatalogBusyException => new(ExitCodes.Busy, e.Message),
            OperationCanceledException => new(ExitCodes.Interrupted, "interrupted"),
            NotFoundException or InvalidRequestException => new(ExitCodes.Error, $"{e.Message}; nothing was changed"),
            DamagedCatalogException or DiskFullException => new(ExitCodes.Error, $"error: {e.Message}"),
            IOException io when DiskFullException.IsNoSpace(io) =>
                new(ExitCodes.Error, $"error: the disk is full ({io.Message}); free some space and run the same command to go on (nothing saved is lost)"),
            InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ModelLayoutException or FormatException
                or UnauthorizedAccessException or IOException => new(ExitCodes.Error, $"error: {e.Message}"),
            _ => null,
        };
    }
}
