using System.CommandLine;
using FaceAtlas.Core.Tags;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas tags write</c>: named people's faces into XMP sidecars, for digiKam, Lightroom and the like.</summary>
public static class TagsCommand
{
    static readonly Argument<string[]> Paths = new("PATH")
    {
        Description = "Only photos under these folders or files (default: every photo in the catalog)",
        Arity = ArgumentArity.ZeroOrMore,
    };
    static readonly Option<long[]> People = new("--people") { Description = "Only these people (each must have a name)", AllowMultipleArgumentsPerToken = true, HelpName = "ID" };
    static readonly Option<bool> DryRun = new("--dry-run") { Description = "List the sidecars that would change; write nothing" };

    public static Command Create()
    {
        var write = new Command("write", "Write named people's faces as MWG face regions into XMP sidecars (photo.jpg.xmp); originals are never touched, other tags are kept")
        {
            Paths, People, DryRun,
        };
        write.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            bool dryRun = parse.GetValue(DryRun);
            var people = parse.GetValue(People) is { Length: > 0 } ids ? ids : null;
            var summary = new FaceTagWriter(catalog).Write(people, parse.GetValue(Paths) ?? [], dryRun);
            string verb = dryRun ? "would write" : "wrote";
            foreach (var c in summary.Changed)
                Console.WriteLine($"{(dryRun ? "would " : "")}{(c.NewFile ? "make" : "update")} {DisplayText.Path(c.Sidecar)}: " +
                                  $"{c.Added} added, {c.Removed} removed, {c.Unchanged} kept");
            foreach (var p in summary.Problems)
                Console.WriteLine($"  {DisplayText.Path(p.Path)}: {p.Reason}");
            Console.WriteLine($"Tags: {verb} {summary.Changed.Count} {(summary.Changed.Count == 1 ? "sidecar" : "sidecars")} " +
                              $"({summary.Changed.Sum(c => c.Added)} regions added, {summary.Changed.Sum(c => c.Removed)} removed); " +
                              $"{summary.SidecarsAsTheyWere} already up to date");
            return summary.Problems.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        });
        return new Command("tags", "Face tags in the photos' XMP: index reads them; 'tags write' writes FaceAtlas's names for other tools") { write };
    }
}
