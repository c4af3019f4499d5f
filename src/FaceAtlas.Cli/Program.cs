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
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                              or ModelLayoutException or FormatException or UnauthorizedAccessException or IOException
                              or Microsoft.Data.Sqlite.SqliteException)
{
    Console.Error.WriteLine($"faceatlas: error: {e.Message}");
    return ExitCodes.Error;
}
