using System.CommandLine;
using System.Text.Json;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage;

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
        var command = new Command("faces", "List the faces in the catalog");
        command.Options.Add(Format);
        command.Options.Add(WithEmbedding);
        command.SetAction(parse =>
        {
            using var catalog = SqliteCatalog.Open(GlobalOptions.CatalogPath(parse), create: false);
            var faces = catalog.Faces(parse.GetValue(WithEmbedding));
            if (parse.GetValue(Format) == OutputFormat.Jsonl)
                WriteJsonLines(faces, Console.OpenStandardOutput());
            else
                WriteTable(faces, Console.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The contract scripts rely on: extend it, never rename a field.</summary>
    internal static void WriteJsonLines(IEnumerable<FaceRecord> faces, Stream output)
    {
        using var buffered = new BufferedStream(output, 1 << 16);
        using var json = new Utf8JsonWriter(buffered, new JsonWriterOptions { SkipValidation = true });
        foreach (var f in faces)
        {
            json.WriteStartObject();
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
            if (f.Embedding is { } embedding)
            {
                json.WriteStartArray("embedding");
                foreach (var v in embedding) json.WriteNumberValue(v);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.Flush();
            json.Reset(); // a new top-level value, not a comma-separated sequence
            buffered.WriteByte((byte)'\n');
        }
    }

    static void WriteTable(IEnumerable<FaceRecord> faces, TextWriter output)
    {
        output.WriteLine($"{"face",7}  {"person",6}  {"score",5}  {"box (x y w h)",-24}  file");
        int count = 0;
        foreach (var f in faces)
        {
            var box = $"{f.Box.X:F0} {f.Box.Y:F0} {f.Box.Width:F0} {f.Box.Height:F0}";
            output.WriteLine($"{f.Id,7}  {(f.PersonId?.ToString() ?? "-"),6}  {f.Score,5:F2}  {box,-24}  {f.Photo.Path}");
            count++;
        }
        output.WriteLine($"{count} faces");
    }
}

public enum OutputFormat { Table, Jsonl }
