using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Core.Application;

/// <summary>What forgetting a person removed; <paramref name="AveragesRemoved"/>: the saved average faces of people (<see cref="SavedLikeness"/>).</summary>
public sealed record ForgetOutcome(long Person, int Faces, int Thumbnails, bool SearchIndexErased, bool AveragesRemoved = false);

/// <summary>
/// Forgets a person for good: their faces and embeddings in the catalog, their thumbnails, their entries in the
/// search index (erased in place: a rebuild costs minutes at a million faces), the saved average faces of people
/// (made again by the next server from the faces that are left). Their photos stay: they are the
/// user's files; only what FaceAtlas derived from the faces goes.
/// </summary>
public sealed class ForgetService(ICatalogStore store)
{
    public ForgetOutcome Forget(long person)
    {
        // The writer's lock: an index running now could be writing this person's faces.
        using var writer = store.OpenForWriting(create: false);
        var faces = new PeopleService(writer.Catalog).Forget(person);
        int thumbnails = ThumbnailCache.RemoveBeside(store.LocalFiles, faces);
        bool index = new FaceSearch(writer.Catalog, FaceSearch.IndexPathFor(store.LocalFiles)).EraseRemovedFaces();
        bool averages = SavedLikeness.Remove(store.LocalFiles);
        return new ForgetOutcome(person, faces.Count, thumbnails, index, averages);
    }
}
