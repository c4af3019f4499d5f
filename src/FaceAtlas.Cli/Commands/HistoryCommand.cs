using System.CommandLine;
using System.Globalization;
using FaceAtlas.Core.People;

namespace FaceAtlas.Cli.Commands;

/// <summary>
/// <c>faceatlas history</c>: the changes made to people (merges, moves, rejections, ignores, hides, names, answers to
/// suggestions), newest first; <c>faceatlas undo [CHANGE]</c> takes back the newest one not undone yet.
/// </summary>
public static class HistoryCommand
{
    public static Command Create()
    {
        var limit = OptionBounds.AtLeastOne(new Option<int>("--limit") { Description = "How many changes to list, newest first", DefaultValueFactory = _ => 20, HelpName = "N" },
            "takes a count of at least 1");
        var format = new Option<OutputFormat>("--format")
        {
            Description = "table, or jsonl (one JSON object per line: change, at, kind, summary, undone)",
            DefaultValueFactory = _ => OutputFormat.Table,
        };
        var command = new Command("history", "List the changes made to people, newest first (see 'faceatlas undo')") { limit, format };
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var changes = new PeopleService(catalog).History(parse.GetValue(limit));
            if (parse.GetValue(format) == OutputFormat.Jsonl)
            {
                using var lines = new JsonLines();
                foreach (var c in changes)
                    lines.Write(json =>
                    {
                        json.WriteNumber("change", c.Id);
                        json.WriteString("at", c.At.ToString("O", CultureInfo.InvariantCulture));
                        json.WriteString("kind", c.Kind);
                        json.WriteString("summary", c.Summary);
                        json.WriteBoolean("undone", c.Undone);
                    });
                return ExitCodes.Success;
            }
            Console.WriteLine($"{"change",7}  {"when (UTC)",-16}  {"kind",-8}  summary");
            foreach (var c in changes)
                Console.WriteLine($"{c.Id,7}  {c.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-16}  {c.Kind,-8}  {c.Summary}{(c.Undone ? "  [undone]" : "")}");
            Console.WriteLine(changes.Count == 0 ? "no changes yet" : $"{changes.Count} changes");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateUndo()
    {
        var change = new Argument<long?>("CHANGE") { Description = "The change to undo (see 'faceatlas history'); it must be the newest not undone. Default: that one", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("undo", "Undo the newest change made to people (a merge, a move, ...)") { change };
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var undone = new PeopleService(catalog).Undo(parse.GetValue(change));
            Console.WriteLine($"undid change {undone.Id}: {undone.Summary}");
            return ExitCodes.Success;
        });
        return command;
    }
}
