using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Application;

/// <summary>The catalog at a glance: what it holds, its size, and the index writing to it now, if any.</summary>
public sealed record CatalogStatus(int Photos, int Faces, int People, long CatalogBytes, RunningIndex? RunningIndex);

public sealed class StatusService(ICatalogStore store)
{
    public CatalogStatus Status(IFaceCatalog catalog)
    {
        var counts = catalog.Counts();
        return new CatalogStatus(counts.Photos, counts.Faces, catalog.PeopleCount(),
            store.SizeBytes(), store.RunningIndex());
    }
}
