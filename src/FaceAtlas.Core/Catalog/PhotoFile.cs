namespace FaceAtlas.Core.Catalog;

/// <summary>What the file system says of a photo file: cheap to read for every file on every run.</summary>
public readonly record struct PhotoFile(string Path, long Size, long ModifiedTicks)
{
    /// <summary>The last write of the photo's XMP sidecar (<c>photo.jpg.xmp</c> or <c>photo.xmp</c>, the later), if it has one.</summary>
    public long? SidecarTicks { get; init; }
}
