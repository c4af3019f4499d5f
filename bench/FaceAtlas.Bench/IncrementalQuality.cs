using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// Incremental against batch on real embeddings: an indexed LFW catalog's photos are written into fresh catalogs,
/// once whole and clustered once, and once in five batches clustered after each; the two are scored alike.
/// </summary>
internal static class IncrementalQuality
{
    public static int Run(string catalogPath, int batches = 5)
    {
        using var source = SqliteCatalog.Open(catalogPath, create: false);
        var photos = source.Faces(withEmbeddings: true).GroupBy(f => f.Photo.Id).Select(g => g.ToList())
            .OrderBy(g => g[0].Photo.Path.GetHashCode(StringComparison.Ordinal)).ToList(); // arrival order unrelated to people
        var work = Path.Combine(Path.GetTempPath(), "faceatlas-incremental");
        Directory.CreateDirectory(work);

        ClusteringReport Score(SqliteCatalog catalog) => ClusteringReport.Of(LabelledFaces.Clusters(catalog.Faces(false)));

        var batch = Fresh(Path.Combine(work, "batch.db"));
        Write(batch, photos);
        var started = System.Diagnostics.Stopwatch.StartNew();
        new PeopleService(batch).Cluster(full: true);
        var batchTime = started.Elapsed;
        var batchReport = Score(batch);

        var incremental = Fresh(Path.Combine(work, "incremental.db"));
        var service = new PeopleService(incremental);
        var ids = new HashSet<long>();
        started.Restart();
        foreach (var chunk in photos.Chunk((photos.Count + batches - 1) / batches))
        {
            Write(incremental, chunk);
            service.Cluster(full: false);
            ids.UnionWith(service.List().Select(p => p.Id));
        }
        var incrementalTime = started.Elapsed;
        var incrementalReport = Score(incremental);
        bool idsKept = ids.IsSubsetOf(service.List().Select(p => p.Id));

        Console.WriteLine("| run | BCubed F | pairwise F | people | time |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| one full run | {batchReport.BCubed.F:F4} | {batchReport.Pairwise.F:F4} | {batch.People(true).Count} | {batchTime.TotalSeconds:F1} s |");
        Console.WriteLine($"| {batches} batches, clustered after each | {incrementalReport.BCubed.F:F4} | {incrementalReport.Pairwise.F:F4} | {incremental.People(true).Count} | {incrementalTime.TotalSeconds:F1} s |");
        Console.WriteLine($"| difference (points of F) | {100 * (incrementalReport.BCubed.F - batchReport.BCubed.F):+0.00;-0.00} | {100 * (incrementalReport.Pairwise.F - batchReport.Pairwise.F):+0.00;-0.00} | every person made along the way kept its id: {idsKept} | |");
        batch.Dispose();
        incremental.Dispose();
        return 0;
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
}
