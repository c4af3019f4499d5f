using System.Diagnostics;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// What the people rules cost on a catalog file of growing size: a full clustering (plan and write), naming, a merge
/// of a person of an eighth of the catalog into one of a quarter, and moving, rejecting and ignoring 100 faces. The
/// faces are synthetic (one per photo; a quarter of them one person, an eighth another, the rest people of 1-12
/// faces), so the sizes can be far beyond the datasets'.
/// </summary>
internal static class PeopleWrites
{
    public static int Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10_000, 100_000];
        Console.WriteLine("| faces | people | cluster --full | name | merge | move 100 | reject 100 | ignore 100 | ignore undone |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int n in sizes)
        {
            var folder = Directory.CreateTempSubdirectory("faceatlas-people-writes-");
            try
            {
                using var catalog = SqliteCatalog.Open(Path.Combine(folder.FullName, "catalog.db"));
                Fill(catalog, n);
                var people = new PeopleService(catalog);
                var cluster = Time(() => people.Cluster(full: true));
                var list = people.List();
                long largest = list[0].Id, second = list[1].Id;
                var name = Time(() => people.Name(largest, "Largest"));
                var merge = Time(() => people.Merge(largest, [second]));
                var sample = catalog.FacesOf(largest).Take(100).ToList();
                var move = Time(() => people.MoveFaces(sample, null));
                long moved = catalog.FacePeople([sample[0]])[sample[0]]!.Value;
                var reject = Time(() => people.RejectFaces(sample, moved));
                var ignore = Time(() => people.Ignore(sample));
                var undo = Time(() => people.Ignore(sample, ignored: false));
                Console.WriteLine($"| {n:N0} | {list.Count:N0} | {S(cluster)} | {S(name)} | {S(merge)} | {S(move)} | {S(reject)} | {S(ignore)} | {S(undo)} |");
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
        return 0;
    }

    static string S(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:F2} s" : $"{t.TotalMilliseconds:F0} ms";

    static TimeSpan Time(Action work)
    {
        var watch = Stopwatch.StartNew();
        work();
        return watch.Elapsed;
    }

    /// <summary>n one-face photos: a quarter of one identity, an eighth of another, the rest identities of 1-12 faces.</summary>
    static void Fill(SqliteCatalog catalog, int n)
    {
        var random = new Random(5);
        var points = new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50));
        var batch = new List<PhotoOutcome>();
        int photo = 0;
        void Add(float[] centre, int count)
        {
            for (int i = 0; i < count && photo < n; i++, photo++)
            {
                // Noise of 0.029 a dimension: faces of one identity about 0.7 alike, as on LFW.
                var face = SyntheticFaces.Face(random, centre, 0.029);
                batch.Add(new PhotoOutcome.Analysed(new PhotoFile($"/photos/{photo / 1000}/{photo}.jpg", 1, 1), [1],
                    new PhotoAnalysis(100, 100, "JPEG", [new FaceObservation(new FaceBox(10, 10, 40 + photo % 20, 40 + photo % 20), 0.9f, points, face)])));
                if (batch.Count == 1000)
                {
                    catalog.Commit(batch);
                    batch.Clear();
                }
            }
        }
        float[] Centre() => SyntheticFaces.Face(random, new float[SyntheticFaces.Gaussian(random, 0).Length], 1.0);
        Add(Centre(), n / 4);
        Add(Centre(), n / 8);
        while (photo < n) Add(Centre(), 1 + random.Next(12));
        catalog.Commit(batch);
    }
}
