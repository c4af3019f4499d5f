using System.Diagnostics;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// What a merge of large people costs in a large catalog, as the web app's "merge" does it (one undoable change), and
/// its undo: a person of a thousand faces merged into the largest, then the third-largest into the second-largest,
/// each undone (a merge that fails is reported, and the next tried), on a catalog `big-catalog --keep --make-only`
/// made or its `catalog copy` on PostgreSQL; after each merge, the merged person read as one cluster (as clustering
/// new faces beside them reads them: their kept sum, when the merge carried it). The catalog is left with the same
/// people and faces.
/// </summary>
internal static class MergeAtScale
{
    public static int Run(string[] args)
    {
        var location = BenchArgs.Value(args, "--catalog") ?? throw new ArgumentException("people-merge --catalog CATALOG");
        using var catalog = CatalogStores.For(location).Open();
        var people = new PeopleService(catalog);
        var everyone = catalog.People(includeHidden: true);
        var thousand = everyone.First(p => p.Faces is >= 900 and <= 1100);
        Console.WriteLine("| merge | faces moved | merge | read as one cluster after it | undo |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (into, from) in new[] { (everyone[0], thousand), (everyone[1], everyone[2]) })
        {
            var watch = Stopwatch.StartNew();
            try
            {
                people.Merge(into.Id, [from.Id]);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Console.WriteLine($"| {from.Faces:N0} faces into {into.Faces:N0} | {from.Faces:N0} | failed after {watch.Elapsed.TotalSeconds:F0} s: {e.Message.Split('\n')[0]} | |");
                continue;
            }
            var merge = watch.Elapsed;
            if (catalog.Person(into.Id)!.Faces != into.Faces + from.Faces)
                throw new InvalidOperationException($"person {into.Id} holds {catalog.Person(into.Id)!.Faces} faces after the merge, not {into.Faces + from.Faces}");
            watch.Restart();
            catalog.PeopleAsClusters([into.Id], []);
            var read = watch.Elapsed;
            watch.Restart();
            people.Undo();
            var undo = watch.Elapsed;
            Console.WriteLine($"| {from.Faces:N0} faces into {into.Faces:N0} | {from.Faces:N0} | {merge.TotalSeconds:F2} s | {read.TotalMilliseconds:F0} ms | {undo.TotalSeconds:F2} s |");
        }
        return 0;
    }
}
