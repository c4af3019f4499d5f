using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas faces</c>: lists the faces in the catalog, for people or for scripts.</summary>
public static class FacesCommand
{
    static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "table (for people) or jsonl (one JSON object per line, for scripts; fields in the README)",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    static readonly Option<bool> WithEmbedding = new("--with-embedding")
    {
        Description = "Include each face's L2-normalised embedding (jsonl only)",
    };

    public static Command Create()
    {
        var command = new Command("faces", "List the faces in the catalog; move faces to a person, reject them from one, or say they are not faces");
        command.Options.Add(Format);
        command.Options.Add(WithEmbedding);
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var faces = catalog.Faces(parse.GetValue(WithEmbedding));
            if (parse.GetValue(Format) == OutputFormat.Jsonl)
                WriteJsonLines(faces, catalog.People(includeHidden: true).Where(p => p.Birth is not null).ToDictionary(p => p.Id, p => p.Birth!.Value));
            else
                WriteTable(faces, Console.Out);
            return ExitCodes.Success;
        });
        command.Subcommands.Add(MoveCommand());
        command.Subcommands.Add(RejectCommand());
        command.Subcommands.Add(NotAFaceCommand());
        return command;
    }

    static readonly Argument<long[]> FaceIds = new("FACE") { Description = "Face ids (see 'faceatlas faces')", Arity = ArgumentArity.OneOrMore };

    static Command MoveCommand()
    {
        var to = new Option<string>("--to") { Description = "The person id to move the faces to, or 'new' for a new person", Required = true, HelpName = "ID|new" };
        var command = new Command("move", "Put faces in a person (your decision: re-clustering never undoes it)") { FaceIds, to };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(to)!;
            long? person = target == "new" ? null
                : long.TryParse(target, out var id) ? id : throw new UsageException($"--to takes a person id or 'new', not '{target}'");
            using var catalog = CatalogAccess.OpenExisting(parse);
            var faces = parse.GetValue(FaceIds)!;
            long moved = new PeopleService(catalog).MoveFaces(faces, person);
            Console.WriteLine($"moved {faces.Length} face(s) to person {moved}");
            return ExitCodes.Success;
        });
        return command;
    }

    static Command RejectCommand()
    {
        var from = new Option<long>("--from") { Description = "The person these faces are not", Required = true, HelpName = "ID" };
        var command = new Command("reject", "Say faces are not a person: they leave it and never join it again") { FaceIds, from };
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var faces = parse.GetValue(FaceIds)!;
            new PeopleService(catalog).RejectFaces(faces, parse.GetValue(from));
            Console.WriteLine($"{faces.Length} face(s) are no longer person {parse.GetValue(from)}");
            return ExitCodes.Success;
        });
        return command;
    }

    static Command NotAFaceCommand()
    {
        var undo = new Option<bool>("--undo") { Description = "Take it back: they are faces again, in no person, clustered anew" };
        var command = new Command("not-a-face", "Say detections are not faces (a hand, a logo, a poster): out of people, lists and search, " +
                                                "and still not faces when the photo is analysed again") { FaceIds, undo };
        command.SetAction(parse =>
        {
            using var catalog = CatalogAccess.OpenExisting(parse);
            var faces = parse.GetValue(FaceIds)!;
            bool back = parse.GetValue(undo);
            new PeopleService(catalog).NotAFace(faces, notFace: !back);
            Console.WriteLine(back ? $"{faces.Length} detection(s) are faces again" : $"{faces.Length} detection(s) are not faces");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The contract scripts rely on: extend it, never rename a field.</summary>
    internal static void WriteJsonLines(IEnumerable<FaceRecord> faces, IReadOnlyDictionary<long, DateOnly> births)
    {
        using var lines = new JsonLines();
        foreach (var f in faces)
            lines.Write(json =>
            {
                json.WriteNumber("face", f.Id);
                json.WriteString("file", f.Photo.Path);
                json.WriteNumber("photo", f.Photo.Id);
                json.WriteStartArray("box");
                json.WriteNumberValue(Math.Round(f.Box.X, 1));
                json.WriteNumberValue(Math.Round(f.Box.Y, 1));
                json.WriteNumberValue(Math.Round(f.Box.Width, 1));
                json.WriteNumberValue(Math.Round(f.Box.Height, 1));
                json.WriteEndArray();
                json.WriteNumber("score", Math.Round(f.Score, 4));
                if (f.PersonId is { } person) json.WriteNumber("person", person);
                else json.WriteNull("person");
                FaceJson.WriteTaken(json, f.Photo.Taken);
                FaceJson.WriteAttributes(json, f.Attributes);
                FaceJson.WriteFrame(json, f.FrameMs);
                // How old the face's person was in the photo, where their birth and the photo's own date are known.
                if (PersonAge.Of(f.PersonId is { } p && births.TryGetValue(p, out var b) ? b : null, f.Photo.Taken) is { } age) json.WriteNumber("person_age", age);
                else json.WriteNull("person_age");
                if (f.Embedding is { } embedding)
                {
                    json.WriteStartArray("embedding");
                    foreach (var v in embedding) json.WriteNumberValue(v);
                    json.WriteEndArray();
                }
            });
    }

    static void WriteTable(IEnumerable<FaceRecord> faces, TextWriter output)
    {
        output.WriteLine($"{"face",7}  {"person",6}  {"score",5}  {"box (x y w h)",-24}  file");
        int count = 0;
        foreach (var f in faces)
        {
            var box = $"{f.Box.X:F0} {f.Box.Y:F0} {f.Box.Width:F0} {f.Box.Height:F0}";
            output.WriteLine($"{f.Id,7}  {(f.PersonId?.ToString() ?? "-"),6}  {f.Score,5:F2}  {box,-24}  {DisplayText.Path(f.Photo.Path)}");
            count++;
        }
        output.WriteLine($"{count} faces");
    }
}
