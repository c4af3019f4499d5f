using System.CommandLine;
using FaceAtlas.Core.Search;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas search QUERY_PHOTO</c>: every photo of the person in a query photo, best first.</summary>
public static class SearchCommand
{
    static readonly Argument<string?> Query = new("QUERY_PHOTO") { Description = "A photo of the person to find", Arity = ArgumentArity.ZeroOrOne };
    static readonly Option<int> Top = new("--top") { Description = "At most this many photos", DefaultValueFactory = _ => 100 };
    static readonly Option<float> MinSimilarity = new("--min-similarity")
    {
        Description = $"Cosine similarity a face needs (default {FaceEmbedder.SamePersonThreshold}, calibrated on LFW pairs: docs/QUALITY.md)",
        DefaultValueFactory = _ => FaceEmbedder.SamePersonThreshold,
    };
    static readonly Option<int> FaceNumber = new("--face") { Description = "Which face of the query photo, largest first (default 1)", DefaultValueFactory = _ => 1 };
    static readonly Option<long?> Person = new("--person") { Description = "Search with a person of the catalog instead of a photo", HelpName = "ID" };
    static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "table (for people) or jsonl (one JSON object per line: file, face, box, similarity, person)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static Command Create()
    {
        var command = new Command("search", "Find every photo of the person in a query photo (or of a person, with --person), best first")
        {
            Query, Top, MinSimilarity, FaceNumber, Person, Format,
        };
        command.SetAction(parse =>
        {
            var queryPath = parse.GetValue(Query);
            var person = parse.GetValue(Person);
            if ((queryPath is null) == (person is null))
            {
                Console.Error.WriteLine("faceatlas: search takes a query photo or --person ID, one of them");
                return ExitCodes.Usage;
            }
            using var catalog = CatalogAccess.OpenExisting(GlobalOptions.CatalogPath(parse));
            if (catalog.Counts().Faces == 0)
                throw new InvalidDataException("the catalog has no faces yet; run 'faceatlas index PATH' first");
            var search = new FaceSearch(catalog);
            float[] query = person is { } id ? search.PersonQuery(id) : QueryEmbedding(queryPath!, parse.GetValue(FaceNumber));
            var hits = search.Search(query, parse.GetValue(MinSimilarity), parse.GetValue(Top));
            Write(hits, parse.GetValue(Format));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The embedding of the query photo's Nth largest face; a photo without faces is an error, not an empty result.</summary>
    static float[] QueryEmbedding(string path, int number)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the query photo {path}: {e.Message}");
        }
        using var analyzer = new FaceAnalyzer();
        PhotoAnalysis analysis;
        try
        {
            analysis = analyzer.Analyze(bytes);
        }
        catch (PhotoDecodeException e)
        {
            throw new InvalidDataException($"the query photo {path} cannot be used: {e.Message}");
        }
        var faces = analysis.Faces.OrderByDescending(f => f.Box.Area).ToList();
        if (faces.Count == 0) throw new InvalidDataException($"no face found in the query photo {path}");
        if (number < 1 || number > faces.Count)
            throw new InvalidDataException($"--face {number}: the query photo has {faces.Count} face(s)");
        return faces[number - 1].Embedding;
    }

    static void Write(IReadOnlyList<SearchHit> hits, OutputFormat format)
    {
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
                });
            return;
        }
        Console.WriteLine($"{"similarity",10}  {"face",7}  {"person",6}  file");
        foreach (var h in hits)
            Console.WriteLine($"{h.Similarity,10:F3}  {h.Face.Id,7}  {(h.Face.PersonId?.ToString() ?? "-"),6}  {h.Face.Photo.Path}");
        Console.WriteLine($"{hits.Count} photos");
    }
}
