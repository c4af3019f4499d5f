using System.CommandLine;
using System.Globalization;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas photos</c>: the photos in which every person named appears, newest first.</summary>
public static class PhotosCommand
{
    static readonly Option<long[]> People = new("--person")
    {
        Description = "A person id (see 'faceatlas people list'); give it several times for the photos they are all in",
        HelpName = "ID",
        AllowMultipleArgumentsPerToken = false,
    };

    static readonly Option<string?> From = new("--from") { Description = "Only photos taken on or after this day (yyyy-MM-dd)", HelpName = "DATE" };
    static readonly Option<string?> To = new("--to") { Description = "Only photos taken on or before this day (yyyy-MM-dd)", HelpName = "DATE" };

    static readonly Option<int?> AgeFrom = new("--age-from")
    {
        Description = "With one --person whose birth day is known: only photos taken when they were at least this old (whole years)",
        HelpName = "YEARS",
    };
    static readonly Option<int?> AgeTo = new("--age-to")
    {
        Description = "With one --person whose birth day is known: only photos taken before they were a year older than this",
        HelpName = "YEARS",
    };

    static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "table (for people) or jsonl (one JSON object per line, for scripts; fields in the README)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    /// <summary>Photos read a page at a time, so a library of any size is listed in little memory.</summary>
    const int PageSize = 500;

    public static Command Create()
    {
        var command = new Command("photos", "List the photos in which every person named appears (or all photos), newest first") { People, From, To, AgeFrom, AgeTo, Format };
        command.SetAction(parse =>
        {
            var query = new PhotoQuery(parse.GetValue(People) ?? [], Day(parse.GetValue(From), "--from"), Day(parse.GetValue(To), "--to"));
            using var catalog = CatalogAccess.OpenExisting(parse);
            var browser = new PhotoBrowser(catalog);
            query = browser.AtAges(query, parse.GetValue(AgeFrom), parse.GetValue(AgeTo));
            var names = new PeopleNames(catalog);
            bool jsonl = parse.GetValue(Format) == OutputFormat.Jsonl;
            using var lines = jsonl ? new JsonLines() : null;
            int count = 0;
            for (PageCursor? after = null; ;)
            {
                var page = browser.Photos(query, new PageRequest(0, PageSize, after));
                foreach (var photo in page.Photos)
                {
                    if (lines is not null) Write(lines, photo);
                    else Console.WriteLine($"{Taken(photo.Photo),-16}  {DisplayText.Path(photo.Photo.Path)}  {string.Join(", ", PeopleIn(photo).Select(names.Of))}");
                    count++;
                }
                if (page.Next is not { } next) break;
                after = next;
            }
            if (lines is null) Console.WriteLine($"{count} photo{(count == 1 ? "" : "s")}");
            return ExitCodes.Success;
        });
        return command;
    }

    static DateOnly? Day(string? text, string option) => text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new UsageException($"{option} takes a day as yyyy-MM-dd, not '{text}'");

    static IEnumerable<long> PeopleIn(PagedPhoto photo) => photo.Faces.Select(f => f.PersonId).OfType<long>().Distinct();

    /// <summary>The day, and the time where known; "unknown" for a photo dated by its file alone or not at all.</summary>
    static string Taken(PhotoRef photo) => photo.Taken is { Source: not DateSource.File } taken
        ? taken.DayOnly ? taken.Text : taken.Clock.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : "date unknown";

    /// <summary>The contract scripts rely on: extend it, never rename a field.</summary>
    static void Write(JsonLines lines, PagedPhoto photo) => lines.Write(json =>
    {
        json.WriteNumber("photo", photo.Photo.Id);
        json.WriteString("file", photo.Photo.Path);
        FaceJson.WriteTaken(json, photo.Photo.Taken);
        json.WriteStartArray("people");
        foreach (var person in PeopleIn(photo)) json.WriteNumberValue(person);
        json.WriteEndArray();
        json.WriteStartArray("faces");
        foreach (var face in photo.Faces) json.WriteNumberValue(face.Id);
        json.WriteEndArray();
    });

    /// <summary>People's names for the table, read as they are met.</summary>
    sealed class PeopleNames(IFaceCatalog catalog)
    {
        readonly Dictionary<long, string> _names = [];

        public string Of(long person)
        {
            if (!_names.TryGetValue(person, out var name))
                _names[person] = name = catalog.Names([person]).GetValueOrDefault(person) is { } named ? DisplayText.Path(named) : $"person {person}";
            return name;
        }
    }
}
