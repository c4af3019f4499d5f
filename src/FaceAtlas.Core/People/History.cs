using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceAtlas.Core.People;

/// <summary>A face's place as a change found it: its person, who put it there, and its clustering, ignored and "not a face" marks.</summary>
public sealed record FaceState(long Face, long? Person, FaceAssignment By, bool Clustered, bool Ignored, bool NotFace = false);

/// <summary>A person's own row as a change found it (what is not counted from their faces).</summary>
public sealed record PersonRow(long Id, string? Name, bool Hidden, long? Cover, string Created, DateOnly? Birth = null);

/// <summary>One change the user made to people, as the history lists it.</summary>
public sealed record RecordedChange(long Id, DateTime At, string Kind, string Summary, bool Undone);

/// <summary>The latest change that can still be undone, with what it found before it wrote.</summary>
public sealed record UndoableChange(RecordedChange Change, string Journal);

/// <summary>
/// What a change found before it wrote, for every row it touched: enough to put each back. A person absent before
/// (<see cref="PersonBefore.Row"/> null) was made by the change; a rejection or a distinct pair records whether it
/// was there.
/// </summary>
public sealed record UndoJournal(
    IReadOnlyList<FaceState> Faces,
    IReadOnlyList<PersonBefore> People,
    IReadOnlyList<MarkBefore> Rejections,
    IReadOnlyList<MarkBefore> Distinct)
{
    public string ToJson() => JsonSerializer.Serialize(this, HistoryJson.Default.UndoJournal);

    public static UndoJournal FromJson(string json) =>
        JsonSerializer.Deserialize(json, HistoryJson.Default.UndoJournal)
        ?? throw new DamagedCatalogException("a change in the catalog's history has no record of what it changed");
}

public sealed record PersonBefore(long Id, PersonRow? Row);

/// <summary>A mark between two ids (a face and the person it is not; two people who are not one) and whether it was there.</summary>
public sealed record MarkBefore(long First, long Second, bool Existed);

[JsonSerializable(typeof(UndoJournal))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
sealed partial class HistoryJson : JsonSerializerContext;
