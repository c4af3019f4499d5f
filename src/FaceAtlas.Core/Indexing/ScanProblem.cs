namespace FaceAtlas.Core.Indexing;

/// <summary>A path that could not be used, and why (shown to the user as is).</summary>
public readonly record struct PathProblem(string Path, string Reason);
