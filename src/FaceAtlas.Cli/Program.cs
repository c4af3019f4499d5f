using System.CommandLine;
using FaceAtlas.Cli;
using FaceAtlas.Cli.Commands;
using FaceAtlas.Vision;

// The child that decodes one foreign photo for the program that started it (DecoderProcess), before anything else.
if (args is [DecodePhotoCommand.Name, .. var decodeArgs])
    return DecodePhotoCommand.Run(decodeArgs);
ForeignDecoding.Decoder = DecodePhotoCommand.ChildDecoder();

var root = new RootCommand("FaceAtlas: organise a photo gallery by the people in it, on this machine")
{
    IndexCommand.Create(),
    FacesCommand.Create(),
    PhotosCommand.Create(),
    ClusterCommand.Create(),
    PeopleCommand.Create(),
    ExportCommand.Create(),
    SearchCommand.Create(),
    ServeCommand.Create(),
    ForgetCommand.Create(),
    EvalCommand.Create(),
    CatalogCommand.Create(),
    TagsCommand.Create(),
    HistoryCommand.Create(),
    HistoryCommand.CreateUndo(),
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
catch (Exception e) when (CommandFailure.From(e, CatalogAccess.TryStore(parse)) is { } failure)
{
    Console.Error.WriteLine($"faceatlas: {failure.Message}");
    return failure.ExitCode;
}
