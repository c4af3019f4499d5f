using System.Text.Json;

namespace FaceAtlas.Cli;

/// <summary>Writes one JSON object per line to standard output (the scripts' contract: extend, never rename).</summary>
internal sealed class JsonLines : IDisposable
{
    readonly BufferedStream _output = new(Console.OpenStandardOutput(), 1 << 16);
    readonly Utf8JsonWriter _json;

    public JsonLines() => _json = new Utf8JsonWriter(_output, new JsonWriterOptions { SkipValidation = true });

    public void Write(Action<Utf8JsonWriter> fields)
    {
        _json.WriteStartObject();
        fields(_json);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset(); // a new top-level value, not a comma-separated sequence
        _output.WriteByte((byte)'\n');
    }

    public void Dispose()
    {
        _json.Dispose();
        _output.Dispose();
    }
}
