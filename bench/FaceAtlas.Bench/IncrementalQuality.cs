using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// Incremental against batch on real embeddings: an indexed LFW catalog's photos are written into fresh catalogs,
/// once whole and clustered once, and twice in five batches clustered after each (over every face, and against the
/// new faces' neighbourhood in a search index); the three are scored alike.
/// </summary>
internal static class IncrementalQuality
{
    public static int Run(string catalogPath, int batches = 5)
    {
        using var source = SqliteCatalog.Open(catalogPath, create: false);
        var photos = source.Faces(withEmbeddings: true).GroupBy(f => f.Photo.Id).Select(g => g.ToList())
            .OrderBy(g => StableHash(g[0].Photo.Path)).ToList(); // arrival order unrelated to people, the same in every run
        var work = Path.Combine(Path.GetTempPath(), "faceatlas-incremental");
        Directory.CreateDirectory(work);

        ClusteringReport Score(SqliteCatalog catalog) => ClusteringReport.Of(LabelledFaces.Clusters(catalog.Faces(false)));

        var batch = Fresh(Path.Combine(work, "batch.db"));
        Write(batch, photos);
        var started = System.Diagnostics.Stopwatch.StartNew();
        new PeopleService(batch).Cluster(full: true);
        var batchTime = started.Elapsed;
        var batchReport = Score(batch);

        var (incremental, incrementalTime, idsKept) = InBatches(Path.Combine(work, "incremental.db"), photos, batches, neighbourhood: false);
        var incrementalReport = Score(incremental);
        var (near, nearTime, nearIdsKept) = InBatches(Path.Combine(work, "neighbourhood.db"), photos, batches, neighbourhood: true);
        var nearReport = Score(near);

        Console.WriteLine("| run | BCubed F | pairwise F | people | time |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| one full run | {batchReport.BCubed.F:F4} | {batchReport.Pairwise.F:F4} | {batch.People(true).Count} | {batchTime.TotalSeconds:F1} s |");
        Console.WriteLine($"| {batches} batches, clustered after each over every face | {incrementalReport.BCubed.F:F4} | {incrementalReport.Pairwise.F:F4} | {incremental.People(true).Count} | {incrementalTime.TotalSeconds:F1} s |");
        Console.WriteLine($"| {batches} batches, clustered after each against the new faces' neighbourhood in a search index | {nearReport.BCubed.F:F4} | {nearReport.Pairwise.F:F4} | {near.People(true).Count} | {nearTime.TotalSeconds:F1} s (index builds included) |");
        Console.WriteLine($"| difference over every face (points of F) | {100 * (incrementalReport.BCubed.F - batchReport.BCubed.F):+0.00;-0.00} | {100 * (incrementalReport.Pairwise.F - batchReport.Pairwise.F):+0.00;-0.00} | every person made along the way kept its id: {idsKept} | |");
        Console.WriteLine($"| difference by neighbourhood (points of F) | {100 * (nearReport.BCubed.F - batchReport.BCubed.F):+0.00;-0.00} | {100 * (nearReport.Pairwise.F - batchReport.Pairwise.F):+0.00;-0.00} | every person made along the way kept its id: {nearIdsKept} | |");
        Console.WriteLine($"faces placed alike by the two incremental runs: {Agreement(incremental, near)}");
        batch.Dispose();
        incremental.Dispose();
        near.Dispose();
        return 0;
    }

    /// <summary>
    /// The photos written in <paramref name="batches"/>, clustered after each: over every face, or against the new
    /// faces' neighbourhood in a search index made over the catalog after each batch (every batch is then a fifth of
    /// the faces or more, so the share rule is lifted).
    /// </summary>
    static (SqliteCatalog Catalog, TimeSpan Time, bool IdsKept) InBatches(string path, List<List<FaceRecord>> photos, int batches, bool neighbourhood)
    {
        var catalog = Fresh(path);
        var service = new PeopleService(catalog, ClusteringOptions.Default with { NeighbourhoodShare = 1 });
        var ids = new HashSet<long>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var chunk in photos.Chunk((photos.Count + batches - 1) / batches))
        {
            Write(catalog, chunk);
            var neighbours = neighbourhood
                ? new IndexedNeighbours(SearchIndex.Build(catalog.FaceVectors().ToList(), catalog.CatalogId, catalog.EmbeddingRevision()))
                : null;
            service.Cluster(full: false, neighbours: neighbours);
            ids.UnionWith(service.List().Select(p => p.Id));
        }
        return (catalog, started.Elapsed, ids.IsSubsetOf(service.List().Select(p => p.Id)));
    }

    /// <summary>How many faces the two catalogs (the same faces, in the same order) put with the same others.</summary>
    static string Agreement(SqliteCatalog a, SqliteCatalog b)
    {
        static Dictionary<long, string> Groups(SqliteCatalog catalog) => catalog.Faces(false).GroupBy(f => f.PersonId)
            .SelectMany(g => g.Select(f => (f.Id, Group: g.Key is null ? $"none {f.Id}" : string.Join(",", g.Select(x => x.Id).Order()))))
            .ToDictionary(x => x.Id, x => x.Group);
        var (ga, gb) = (Groups(a), Groups(b));
        return $"{ga.Count(kv => gb[kv.Key] == kv.Value):N0} of {ga.Count:N0}";
    }

    static SqliteCatalog Fresh(string path)
    {
        IndexBenchmark.DeleteCatalog(path);
        return SqliteCatalog.Open(path);
    }

    static void Write(SqliteCatalog catalog, IEnumerable<List<FaceRecord>> photos) =>
        catalog.Commit(photos.Select(faces => (PhotoOutcome)new PhotoOutcome.Analysed(
            new PhotoFile(faces[0].Photo.Path, 1, 1), [1],
            new PhotoAnalysis(faces[0].Photo.Width, faces[0].Photo.Height, "JPEG",
                faces.Select(f => new FaceObservation(f.Box, f.Score, f.Points, f.Embedding!, f.Attributes)).ToList()))).ToList());

    /// <summary>FNV-1a of the path: .NET's string hash differs in every process, and so did the batches and the figures.</summary>
    static uint StableHash(string path)
    {
        uint hash = 2166136261;
        foreach (char c in path) hash = (hash ^ c) * 16777619;
        return hash;
    }
}
