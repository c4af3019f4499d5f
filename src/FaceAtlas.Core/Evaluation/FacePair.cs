namespace FaceAtlas.Core.Evaluation;

/// <summary>Two photos and whether they show the same person.</summary>
public readonly record struct FacePair(string First, string Second, bool Same);
