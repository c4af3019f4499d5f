namespace FaceAtlas.Core.Catalog;

/// <summary>What the file system says of a photo file: cheap to read for every file on every run.</summary>
public readonly record struct PhotoFile(string Path, long Size, long ModifiedTicks);
