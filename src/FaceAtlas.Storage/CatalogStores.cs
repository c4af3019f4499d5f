using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage.Postgres;

namespace FaceAtlas.Storage;

/// <summary>The composition place: the one spot that turns a catalog's location into its implementation.</summary>
public static class CatalogStores
{
    /// <summary>
    /// A <c>postgresql://</c> (or <c>postgres://</c>) URI names a PostgreSQL catalog; anything else a catalog file.
    /// <paramref name="warn"/> hears of a server that cannot be reached while the store keeps trying.
    /// </summary>
    public static ICatalogStore For(string location, Action<string>? warn = null) =>
        PostgresLocation.IsUri(location) ? new PostgresCatalogStore(location, warn: warn) : new SqliteCatalogStore(location);

    /// <summary>Whether <paramref name="location"/> names a catalog on a server rather than a file (no path to resolve).</summary>
    public static bool IsServer(string location) => PostgresLocation.IsUri(location);
}
