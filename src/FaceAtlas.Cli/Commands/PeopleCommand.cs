using System.CommandLine;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas people ...</c>: list, name, merge, hide, split people; suggest merges and dismiss them.</summary>
public static class PeopleCommand
{
    static readonly Argument<long> PersonId = new("ID") { Description = "A person id (see 'faceatlas people list')" };

    static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "table (for people) or jsonl (one JSON object per line, for scripts; fields in the README)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static Command Create()
    {
        var command = new Command("people", "Manage people: list, name, merge, hide, split, suggest, dismiss");
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(NameCommand());
        command.Subcommands.Add(MergeCommand());
        command.Subcommands.Add(BirthCommand());
        command.Subcommands.Add(HideCommand("hide", true));
        command.Subcommands.Add(HideCommand("unhide", false));
        command.Subcommands.Add(SplitCommand());
        command.Subcommands.Add(SuggestCommand());
        command.Subcommands.Add(DismissCommand());
        return command;
    }

    static int WithPeople(ParseResult parse, Func<PeopleService, IFaceCatalog, int> action)
    {
        using var catalog = CatalogAccess.OpenExisting(parse);
        return action(new PeopleService(catalog), catalog);
    }

    static Command ListCommand()
    {
        var all = new Option<bool>("--all") { Description = "Include hidden people" };
        var thumbnails = new Option<bool>("--thumbnails") { Description = "Make (or reuse) each cover face's thumbnail and show its path" };
        var command = new Command("list", "List people, most faces first") { Format, all, thumbnails };
        command.SetAction(parse => WithPeople(parse, (people, catalog) =>
        {
            var list = people.List(parse.GetValue(all));
            var cache = FaceAtlas.Core.Thumbnails.ThumbnailCache.Beside(CatalogAccess.Store(parse).LocalFiles, new(new Vision.PictureRenderer()));
            string? Thumbnail(PersonSummary p) => parse.GetValue(thumbnails) && p.CoverFace is { } cover && catalog.Face(cover) is { } face
                ? cache.PathFor(face) : null;
            if (parse.GetValue(Format) == OutputFormat.Jsonl)
            {
                using var lines = new JsonLines();
                foreach (var p in list)
                    lines.Write(json =>
                    {
                        json.WriteNumber("person", p.Id);
                        if (p.Name is null) json.WriteNull("name"); else json.WriteString("name", p.Name);
                        json.WriteNumber("faces", p.Faces);
                        json.WriteNumber("photos", p.Photos);
                        json.WriteBoolean("hidden", p.Hidden);
                        if (p.CoverFace is { } cover) json.WriteNumber("cover_face", cover); else json.WriteNull("cover_face");
                        if (p.Birth is { } birth) json.WriteString("birth", birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)); else json.WriteNull("birth");
                        if (parse.GetValue(thumbnails)) json.WriteString("cover_thumbnail", Thumbnail(p));
                    });
            }
            else
            {
                Console.WriteLine($"{"person",7}  {"faces",5}  {"photos",6}  {"cover",7}  name");
                foreach (var p in list)
                    Console.WriteLine($"{p.Id,7}  {p.Faces,5}  {p.Photos,6}  {p.CoverFace?.ToString() ?? "-",7}  {p.Name ?? "(unnamed)"}{(p.Hidden ? "  [hidden]" : "")}{(Thumbnail(p) is { } t ? "  " + t : "")}");
                Console.WriteLine($"{list.Count} people");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command NameCommand()
    {
        var name = new Argument<string>("NAME") { Description = "The person's name" };
        var command = new Command("name", "Name a person (this also confirms their faces)") { PersonId, name };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            people.Name(parse.GetValue(PersonId), parse.GetValue(name)!);
            Console.WriteLine($"person {parse.GetValue(PersonId)} is now '{parse.GetValue(name)!.Trim()}'");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command MergeCommand()
    {
        var ids = new Argument<long[]>("ID") { Description = "The person to keep, then the people to merge into it", Arity = new ArgumentArity(2, 1000) };
        var command = new Command("merge", "Merge people into the first one named") { ids };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            var all = parse.GetValue(ids)!;
            var merged = people.Merge(all[0], all.Skip(1).ToList());
            Console.WriteLine($"person {merged.Id} ({merged.DisplayName}) now has {merged.Faces} faces in {merged.Photos} photos");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command BirthCommand()
    {
        var date = new Argument<string?>("DATE") { Description = "The day they were born, yyyy-MM-dd", Arity = ArgumentArity.ZeroOrOne };
        var unset = new Option<bool>("--unset") { Description = "Forget the birth day" };
        var command = new Command("birth", "Say when a person was born: their age on each photo, and no face from before it joins them") { PersonId, date, unset };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            var text = parse.GetValue(date);
            if (parse.GetValue(unset) == (text is not null)) throw new UsageException("give a DATE (yyyy-MM-dd), or --unset");
            DateOnly? birth = text is null ? null
                : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day) ? day
                : throw new UsageException($"DATE takes a day as yyyy-MM-dd, not '{text}'");
            long id = parse.GetValue(PersonId);
            int left = people.SetBirth(id, birth);
            Console.WriteLine(birth is { } b ? $"person {id} was born {b:yyyy-MM-dd}" + (left > 0 ? $"; {left} face(s) of photos taken before that left them" : "")
                : $"person {id}'s birth day is forgotten");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command HideCommand(string verb, bool hide)
    {
        var command = new Command(verb, hide ? "Hide a person from lists and exports" : "Show a hidden person again") { PersonId };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            people.Hide(parse.GetValue(PersonId), hide);
            Console.WriteLine($"person {parse.GetValue(PersonId)} {(hide ? "hidden" : "shown")}");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command SplitCommand()
    {
        var command = new Command("split", "Split a person who is really several, by re-clustering only their faces, more strictly") { PersonId };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            var result = people.Split(parse.GetValue(PersonId));
            Console.WriteLine(result.Count == 1
                ? $"person {parse.GetValue(PersonId)} holds one person; nothing split"
                : $"person {parse.GetValue(PersonId)} split: {string.Join(", ", result.Select(id => $"person {id} ({people.Get(id).Faces} faces)"))}");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command DismissCommand()
    {
        var ids = new Argument<long[]>("ID") { Description = "Two people who are not the same", Arity = new ArgumentArity(2, 2) };
        var command = new Command("dismiss", "Say two people are not the same: 'people suggest' (and the web app) stop suggesting them") { ids };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            var pair = parse.GetValue(ids)!;
            people.Dismiss(pair[0], pair[1]);
            Console.WriteLine($"person {pair[0]} and person {pair[1]} are not the same; not suggested again");
            return ExitCodes.Success;
        }));
        return command;
    }

    static Command SuggestCommand()
    {
        var top = OptionBounds.AtLeastOne(new Option<int>("--top") { Description = "How many pairs", DefaultValueFactory = _ => 20 }, "must be at least 1");
        var command = new Command("suggest", "Pairs of people who are probably the same, most likely first") { Format, top };
        command.SetAction(parse => WithPeople(parse, (people, _) =>
        {
            var suggestions = people.Suggest(parse.GetValue(top));
            if (parse.GetValue(Format) == OutputFormat.Jsonl)
            {
                using var lines = new JsonLines();
                foreach (var s in suggestions)
                    lines.Write(json =>
                    {
                        json.WriteNumber("person", s.First.Id);
                        json.WriteNumber("other", s.Second.Id);
                        json.WriteNumber("similarity", Math.Round(s.Similarity, 4));
                    });
            }
            else
            {
                foreach (var s in suggestions)
                    Console.WriteLine($"{s.Similarity:F3}  person {s.First.Id} ({s.First.DisplayName}, {s.First.Faces} faces)  ~  person {s.Second.Id} ({s.Second.DisplayName}, {s.Second.Faces} faces)");
                Console.WriteLine($"{suggestions.Count} suggestions; merge with 'faceatlas people merge ID ID'");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
