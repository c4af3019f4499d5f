namespace FaceAtlas.Core.Catalog;

/// <summary>Thrown when another process holds the catalog for writing (an index already running).</summary>
public sealed class CatalogBusyException(string message) : Exception(message);
