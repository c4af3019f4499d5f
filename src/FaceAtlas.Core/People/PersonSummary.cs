namespace FaceAtlas.Core.People;

/// <summary>A person as lists show it; <paramref name="Birth"/>: the day they were born, when the user said it.</summary>
public sealed record PersonSummary(long Id, string? Name, int Faces, int Photos, bool Hidden, long? CoverFace, DateOnly? Birth = null)
{
    /// <summary>The name, else "person-ID": also the export folder's name.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? $"person-{Id}" : Name;
}

/// <summary>A page of people, and how many the whole list holds.</summary>
public sealed record PersonList(int Total, IReadOnlyList<PersonSummary> People);

/// <summary>A named person as the name filter reads them: their name and how many faces they have (the list's order), nothing else.</summary>
public readonly record struct NamedPerson(long Id, string Name, int Faces);
