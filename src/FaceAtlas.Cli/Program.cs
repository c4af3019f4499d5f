using System.CommandLine;
using FaceAtlas.Cli;
using FaceAtlas.Cli.Commands;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Vision;

var root = new RootCommand("FaceAtlas: organise a photo gallery by the people in it, on this machine")
{
    IndexCommand.Create(),
    FacesCommand.Create(),
    ClusterCommand.Create(),
    PeopleCommand.Create(),
    ExportCommand.Create(),
    SearchCommand.Create(),
    ServeCommand.Create(),
    ForgetCommand.Create(),
    EvalCommand.Create(),
};
root.Options.Add(GlobalOptions.Catalog);

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"faceatlas: {error.Message}");
    Console.Error.WriteLine("Try 'faceatlas --help'.");
    return ExitCodes.Usage;
}

try
{
    // SIGTERM (a service manager's stop) is handled as Ctrl+C: the command is cancelled and given time to finish what
    // it holds (an index its batch, serve its requests in flight) and return its own exit status.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
}
catch (FaceAtlas.Core.People.PeopleException e)
{
    Console.Error.WriteLine($"faceatlas: {e.Message}; nothing was changed");
    return ExitCodes.Error;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"faceatlas: {e.Message}");
    return ExitCodes.Usage;
}
catch (CatalogBusyException e)
{
    Console.Error.WriteLine($"faceatlas: {e.Message}");
    return ExitCodes.Busy;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("faceatlas: interrupted");
    return ExitCodes.Interrupted;
}
catch (Microsoft.Data.Sqlite.SqliteException e) when (FaceAtlas.Storage.SqliteCatalog.IsFull(e))
{
    // A write other than an index's batch (which says so itself): the same words, naming the catalog.
    Console.Error.WriteLine($"faceatlas: error: {new DiskFullException(GlobalOptions.CatalogPath(parse), e).Message}");
    return ExitCodes.Error;
}
catch (IOException e) when (e is not DiskFullException && DiskFullException.IsNoSpace(e))
{
    Console.Error.WriteLine($"faceatlas: error: the disk is full ({e.Message}); free some space and run the same command to go on (nothing saved is lost)");
    return ExitCodes.Error;
}
catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                              or ModelLayoutException or FormatException or UnauthorizedAccessException or IOException
                              or Microsoft.Data.Sqlite.SqliteException)
{
    Console.Error.WriteLine($"faceatlas: error: {e.Message}");
    return ExitCodes.Error;
}
