namespace FaceAtlas.Core.People;

/// <summary>A people request that cannot be done as asked (unknown id, conflicting request); nothing was changed.</summary>
public sealed class PeopleException(string message) : Exception(message);
