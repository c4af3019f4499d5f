namespace FaceAtlas.Core.People;

/// <summary>Who put a face in its person: a re-run of clustering replaces only machine work.</summary>
public enum FaceAssignment
{
    None = 0,
    Machine = 1,
    User = 2,
}
