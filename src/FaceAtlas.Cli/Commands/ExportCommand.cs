using System.CommandLine;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Export;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas export DEST</c>: a folder per person, holding (links to) the photos they are in.</summary>
public static class ExportCommand
{
    static readonly Argument<string> Destination = PathArguments.NotEmpty(new Argument<string>("DEST") { Description = "The folder to write (created if needed)" });
    static readonly Option<ExportMode> Mode = new("--mode")
    {
        Description = "hardlink (default; a copy where linking is impossible), copy or symlink",
        DefaultValueFactory = _ => ExportMode.HardLink,
        CustomParser = r => r.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "hardlink" => ExportMode.HardLink,
            "copy" => ExportMode.Copy,
            "symlink" => ExportMode.Symlink,
            var other => Fail(r, other),
        },
    };
    static readonly Option<int> MinFaces = OptionBounds.AtLeastOne(
        new("--min-faces") { Description = "Only people with at least this many faces", DefaultValueFactory = _ => 1 }, "must be at least 1");
    static readonly Option<long[]> People = new("--people") { Description = "Only these people", AllowMultipleArgumentsPerToken = true, HelpName = "ID" };
    static readonly Option<bool> IncludeUnknown = new("--include-unknown") { Description = "Also an 'unknown' folder for photos with no person" };

    static string Plural(ExportMode mode) => mode switch
    {
        ExportMode.HardLink => "hard links",
        ExportMode.Symlink => "symbolic links",
        _ => "copies",
    };

    static ExportMode Fail(System.CommandLine.Parsing.ArgumentResult r, string value)
    {
        r.AddError($"--mode takes hardlink, copy or symlink, not '{value}'");
        return ExportMode.HardLink;
    }

    public static Command Create()
    {
        var command = new Command("export", "Write a folder per person (name, else person-ID) with the photos they are in; re-running updates it")
        {
            Destination, Mode, MinFaces, People, IncludeUnknown,
        };
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var selection = new ExportSelection(parse.GetValue(People) is { Length: > 0 } ids ? ids.ToHashSet() : null,
                parse.GetValue(MinFaces), parse.GetValue(IncludeUnknown));
            var summary = new ExportService(catalog).Run(parse.GetValue(Destination)!, parse.GetValue(Mode), selection);
            Console.WriteLine($"Exported {summary.Folders} folders to {Path.GetFullPath(parse.GetValue(Destination)!)}: {summary.Added} added, " +
                              $"{summary.Kept} kept, {summary.Removed} removed" +
                              (summary.Remade > 0 ? $", {summary.Remade} made again as {Plural(parse.GetValue(Mode))}" : "") +
                              (summary.CopiedInsteadOfLinked > 0 ? $", {summary.CopiedInsteadOfLinked} copied (could not link)" : ""));
            foreach (var problem in summary.Problems) Console.WriteLine($"  {problem}");
            return summary.Problems.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        });
        return command;
    }
}
