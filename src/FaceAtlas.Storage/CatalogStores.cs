using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

/// <summary>The composition place: the one spot that turns a catalog's location into its implementation.</summary>
public static class CatalogStores
{
    public static ICatalogStore For(string location) => new SqliteCatalogStore(location);
}
