using System.CommandLine;
using FaceAtlas.Core;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Search;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas search QUERY_PHOTO</c>: every photo of the person in a query photo, best first.</summary>
public static class SearchCommand
{
    static readonly Argument<string?> Query = PathArguments.NotEmpty(new Argument<string?>("QUERY_PHOTO") { Description = "A photo of the person to find", Arity = ArgumentArity.ZeroOrOne });
    static readonly Option<int?> Top = OptionBounds.AtLeastOneIfGiven(new Option<int?>("--top") { Description = "At most this many photos (default: all of them)" },
        "must be at least 1");
    static readonly Option<float?> MinSimilarity = OptionBounds.WithinIfGiven(new Option<float?>("--min-similarity")
    {
        Description = "Instead of the person's photos, every photo with a face at least this alike (cosine similarity), look-alikes included",
    }, -1, 1, "is a cosine similarity, from -1 to 1");
    static readonly Option<int> FaceNumber = OptionBounds.AtLeastOne(
        new("--face") { Description = "Which face of the query photo, largest first (default 1)", DefaultValueFactory = _ => 1 }, "counts from 1 (the largest face)");
    static readonly Option<long?> Person = new("--person") { Description = "Search with a person of the catalog (the mean of their faces) instead of a photo", HelpName = "ID" };
    static readonly Option<long?> Like = new("--like") { Description = "Search with a face of the catalog instead of a photo", HelpName = "FACE" };
    static readonly Option<bool> ExactOption = new("--exact") { Description = $"Compare with every face (the default up to {FaceSearch.ExactLimit:N0} faces)" };
    static readonly Option<bool> IndexOption = new("--index") { Description = $"Use the search index even under {FaceSearch.ExactLimit:N0} faces (it is the default above)" };
    static readonly Option<string?> Age = new("--age") { Description = "Only faces estimated this old, e.g. 20-40, 60- or -12", HelpName = "FROM-TO" };
    static readonly Option<string?> GenderOption = new("--gender") { Description = "Only faces estimated female (f) or male (m)", HelpName = "f|m" };
    static readonly Option<bool> Frontal = new("--frontal") { Description = "Only faces turned at most 25 degrees sideways and 20 up or down" };
    static readonly Option<float> MinQuality = OptionBounds.Within(
        new("--min-quality") { Description = "Only faces of at least this quality (0..1: size, pose and sharpness)" }, 0, 1, "is from 0 to 1");
    static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "table (for people) or jsonl (one JSON object per line: file, face, box, similarity, person, match)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static Command Create()
    {
        var command = new Command("search", "Find every photo of the person in a query photo (or of a person, with --person), best first")
        {
            Query, Top, MinSimilarity, FaceNumber, Person, Like, ExactOption, IndexOption, Age, GenderOption, Frontal, MinQuality, Format,
        };
        command.SetAction(parse =>
        {
            var queryPath = parse.GetValue(Query);
            var person = parse.GetValue(Person);
            var like = parse.GetValue(Like);
            if ((queryPath is null ? 0 : 1) + (person is null ? 0 : 1) + (like is null ? 0 : 1) != 1)
            {
                Console.Error.WriteLine("faceatlas: search takes a query photo, --person ID or --like FACE, one of them");
                return ExitCodes.Usage;
            }
            var filter = Filter(parse);
            if (parse.GetValue(ExactOption) && parse.GetValue(IndexOption))
                throw new UsageException("--exact and --index: choose one");
            var mode = parse.GetValue(ExactOption) ? SearchMode.Exact : parse.GetValue(IndexOption) ? SearchMode.Index : SearchMode.Auto;
            SearchQuery query = person is { } id ? new SearchQuery.OfPerson(id)
                : like is { } face ? new SearchQuery.LikeFace(face)
                : new SearchQuery.Photo(ReadQueryPhoto(queryPath!), queryPath!, parse.GetValue(FaceNumber));
            var store = CatalogAccess.Store(parse);
            using var catalog = store.Open();
            using var analyzer = new SharedAnalyzer(() => new FaceAnalyzer());
            var search = new SearchService(store, analyzer);
            search.IndexChanging += message => Console.Error.WriteLine($"faceatlas: {message}");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = search.Search(catalog, query, new SearchOptions(parse.GetValue(MinSimilarity), parse.GetValue(Top), filter, mode));
            Write(result, parse.GetValue(Format), watch.Elapsed, parse.GetValue(MinSimilarity) is null);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The attribute options as a filter; a malformed one is a usage error with the form it wants.</summary>
    static SearchFilter Filter(ParseResult parse)
    {
        float? minAge = null, maxAge = null;
        if (parse.GetValue(Age) is { } age)
        {
            var parts = age.Split('-');
            if (parts.Length != 2 || !TryAge(parts[0], out minAge) || !TryAge(parts[1], out maxAge) || (minAge is null && maxAge is null) || minAge > maxAge)
                throw new UsageException($"--age {age}: give a range of years, as 20-40, 60- or -12");
        }
        Gender? gender = parse.GetValue(GenderOption)?.ToLowerInvariant() switch
        {
            null => null,
            "f" or "female" => Gender.Female,
            "m" or "male" => Gender.Male,
            var other => throw new UsageException($"--gender {other}: give f or m"),
        };
        float minQuality = parse.GetValue(MinQuality);
        if (minQuality is < 0 or > 1) throw new UsageException($"--min-quality {minQuality}: give a number from 0 to 1");
        return new SearchFilter(minAge, maxAge, gender, parse.GetValue(Frontal), minQuality);
    }

    static bool TryAge(string text, out float? age)
    {
        age = null;
        if (text.Length == 0) return true;
        if (!float.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out float value) || value < 0) return false;
        age = value;
        return true;
    }

    static byte[] ReadQueryPhoto(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidRequestException($"cannot read the query photo {path}: {e.Message}");
        }
    }

    static void Write(SearchResult result, OutputFormat format, TimeSpan elapsed, bool identified)
    {
        var hits = result.Hits;
        if (format == OutputFormat.Jsonl)
        {
            using var lines = new JsonLines();
            foreach (var h in hits)
                lines.Write(json =>
                {
                    json.WriteString("file", h.Face.Photo.Path);
                    json.WriteNumber("face", h.Face.Id);
                    json.WriteStartArray("box");
                    foreach (var v in new[] { h.Face.Box.X, h.Face.Box.Y, h.Face.Box.Width, h.Face.Box.Height }) json.WriteNumberValue(Math.Round(v, 1));
                    json.WriteEndArray();
                    json.WriteNumber("similarity", Math.Round(h.Similarity, 4));
                    if (h.Face.PersonId is { } p) json.WriteNumber("person", p); else json.WriteNull("person");
                    json.WriteNumber("photo", h.Face.Photo.Id);
                    json.WriteString("match", h.Match.Name());
                    FaceJson.WriteTaken(json, h.Face.Photo.Taken);
                    FaceJson.WriteAttributes(json, h.Face.Attributes);
                    FaceJson.WriteFrame(json, h.Face.FrameMs);
                });
            return;
        }
        Console.WriteLine($"{"match",-6}  {"similarity",10}  {"face",7}  {"person",6}  file");
        foreach (var h in hits)
            Console.WriteLine($"{(h.Match == MatchKind.Person ? "person" : "alike"),-6}  {h.Similarity,10:F3}  {h.Face.Id,7}  {(h.Face.PersonId?.ToString() ?? "-"),6}  {DisplayText.Path(h.Face.Photo.Path)}");
        int ofPerson = hits.Count(h => h.Match == MatchKind.Person);
        string how = $"{(result.UsedIndex ? "search index" : "exact search")} over {result.FacesSearched:N0} faces, {elapsed.TotalMilliseconds:F0} ms";
        string photos = hits.Count == 1 ? "1 photo" : $"{hits.Count} photos";
        Console.WriteLine(identified ? $"{photos}: {ofPerson} of the person recognised, {hits.Count - ofPerson} alike on their own ({how})" : $"{photos} ({how})");
    }
}
