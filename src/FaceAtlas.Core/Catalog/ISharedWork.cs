namespace FaceAtlas.Core.Catalog;

/// <summary>
/// The photos still to analyse, shared by every index writing to one catalog at once (several workers, on one machine
/// or many): each photo is analysed by one of them. A worker claims a few photos at a time for a lease; the
/// catalog's <see cref="ICatalog.Commit"/> of a photo's outcome ends its claim in the same transaction, and a claim
/// whose worker died runs out and goes to another. Paths are this machine's.
/// </summary>
public interface ISharedWork
{
    /// <summary>
    /// Offers photos to analyse. Those the catalog already holds as they are now, and those offered before and not
    /// yet done, are left out, so a photo is offered once however many workers see it.
    /// </summary>
    void Offer(IReadOnlyList<PhotoFile> files);

    /// <summary>
    /// Claims up to <paramref name="count"/> offered photos under <paramref name="roots"/> for this worker, with what
    /// the catalog knows of each now; empty when none is free (all done, or claimed by others whose leases still run).
    /// </summary>
    IReadOnlyList<ClaimedPhoto> Claim(IReadOnlyList<string> roots, int count);

    /// <summary>
    /// How many offered photos under <paramref name="roots"/> are not done and not this worker's: free ones, and
    /// those other workers claimed. (This worker's own claims end when it commits their outcomes.)
    /// </summary>
    int Remaining(IReadOnlyList<string> roots);
}

/// <summary>A photo claimed for analysis, with the catalog's record of it (null: a new photo).</summary>
public sealed record ClaimedPhoto(PhotoFile File, KnownPhoto? Known);
