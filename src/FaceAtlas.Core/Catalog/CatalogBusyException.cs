namespace FaceAtlas.Core.Catalog;

/// <summary>Another process holds the catalog for writing (an index already running).</summary>
public sealed class CatalogBusyException(string message) : FaceAtlasException(message);
