namespace FaceAtlas.Core.Catalog;

/// <summary>A photo the catalog already holds: enough to tell whether its file changed.</summary>
public sealed record KnownPhoto(long Id, string Path, long Size, long ModifiedTicks, byte[] ContentHash)
{
    /// <summary>A usable photo indexed before capture dates were kept: read again for its date, not analysed again.</summary>
    public bool Undated { get; init; }

    /// <summary>
    /// Dated only by its file's last write: read again for its date where its name carries a better one (a catalog
    /// made before dates were read from names), not analysed again.
    /// </summary>
    public bool DatedByFile { get; init; }

    /// <summary>When the catalog last read the photo (UTC ticks): a sidecar written later is read again.</summary>
    public long IndexedTicks { get; init; }
}
