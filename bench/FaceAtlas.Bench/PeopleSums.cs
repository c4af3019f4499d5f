using System.Diagnostics;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// What clustering a few new faces beside their neighbourhood reads of the people there: each as one cluster (the sum
/// of their faces), on a catalog `big-catalog --keep --make-only` made. The largest person and 50 others drawn at
/// random, read with no sum kept (every face read, as every clustering did before sums were kept), then with their
/// sums kept; then 20 faces placed in the largest person by a change that carries the sums (as clustering places
/// them), and the people read again. On a SQLite catalog, or on a PostgreSQL one (`catalog copy` of it). The catalog
/// is left as it was, but for the sums it keeps. `--everyone`: people's centres (what the review looks for candidates
/// among) made as before, from every face in a person, and from the kept sums: with none kept, kept, and after a move
/// that did not carry them; every sum is left kept. `--commit-new-faces N` commits big-catalog's 60 new faces instead (a
/// batch of its own per N), for `./faceatlas cluster` to place, timed from outside.
/// </summary>
internal static class PeopleSums
{
    public static int Run(string[] args)
    {
        var location = BenchArgs.Value(args, "--catalog") ?? throw new ArgumentException("people-sums --catalog CATALOG (a file, or a postgresql:// URI) [--commit-new-faces BATCH]");
        if (BenchArgs.Value(args, "--commit-new-faces") is { } batch)
        {
            BigCatalog.AddNewFaces(location, int.Parse(batch));
            return 0;
        }
        bool server = location.StartsWith("postgresql://", StringComparison.Ordinal);
        var measure = args.Contains("--everyone") ? (Action<string, string, Action>)MeasureEveryone : Measure;
        measure(server ? "PostgreSQL" : "SQLite", location, () =>
        {
            if (!server)
            {
                using var file = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={location};Pooling=False");
                file.Open();
                using var cmd = file.CreateCommand();
                cmd.CommandText = "DELETE FROM person_sums";
                cmd.ExecuteNonQuery();
                return;
            }
            using var connection = new Npgsql.NpgsqlConnection(Storage.Postgres.PostgresLocation.Parse(location).Connection.ConnectionString);
            connection.Open();
            using var delete = new Npgsql.NpgsqlCommand("DELETE FROM person_sums", connection);
            delete.ExecuteNonQuery();
        });
        return 0;
    }

    static void MeasureEveryone(string backend, string location, Action forgetSums)
    {
        using var catalog = CatalogStores.For(location).Open();
        var everyone = catalog.People(includeHidden: true);
        long largest = everyone[0].Id;
        var loose = catalog.FacesInNoPerson(newest: 20).Select(f => f.FaceId).ToList();
        (T Value, double Ms, long Allocated) Time<T>(Func<T> make)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var value = make();
            return (value, watch.Elapsed.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
        }
        void Row<T>(string what, (T Value, double Ms, long Allocated) run) =>
            Console.WriteLine($"| {what} | {run.Ms / 1000:F2} s | {run.Allocated / 1e6:N0} MB |");

        Console.WriteLine($"### {backend}: every person's centre, {everyone.Count:N0} people, {everyone.Sum(p => p.Faces):N0} faces");
        Console.WriteLine();
        Console.WriteLine("| made | time | allocated |");
        Console.WriteLine("|---|---|---|");
        forgetSums();
        var averages = Time(() => PersonAverage.FromEveryFace(catalog));
        Row("before: every face in a person read", averages);
        var first = Time(() => PersonCentres.Of(catalog));
        Row("from sums, none kept (every face read, the sums kept)", first);
        for (int i = 0; i < 2; i++) Row("from sums, all kept", Time(() => PersonCentres.Of(catalog)));
        catalog.Change(rows =>
        {
            rows.PlaceFaces(loose, largest, FaceAssignment.User);
            return 0;
        });
        Row($"after {loose.Count} faces moved into the largest person ({everyone[0].Faces:N0}) without carrying", Time(() => PersonCentres.Of(catalog)));
        catalog.Change(rows =>
        {
            rows.PlaceFaces(loose, null, FaceAssignment.None);
            return 0;
        });
        catalog.EveryPersonAsCluster(); // every sum left kept, for `cluster-steps` to start from
        Console.WriteLine();

        // The same centres either way (but for float rounding): the average's direction is the sum's.
        var mean = averages.Value.ToDictionary(a => a.Person.Id, a => a.Mean);
        var centres = first.Value;
        float worst = 0;
        for (int i = 0; i < centres.People.Count; i++)
        {
            var old = mean[centres.People[i]];
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(old);
            var centre = centres.Centre(i);
            for (int d = 0; d < old.Length; d++) worst = Math.Max(worst, Math.Abs(old[d] / norm - centre[d]));
        }
        if (centres.People.Count != mean.Count) throw new InvalidOperationException($"{centres.People.Count} centres against {mean.Count} averages");
        Console.WriteLine($"The same {centres.People.Count:N0} people either way; the largest difference in a centre's coordinate: {worst:G3}.");
        Console.WriteLine();

        // The suggestions' averages: only the faces that seed them (PeopleService's bars), before and now.
        Func<PersonFaceSeen, bool> seeds = f => f.Score >= PeopleService.SuggestionMinScore && (f.Quality ?? 1) >= PeopleService.SuggestionMinQuality;
        Console.WriteLine("| the suggestions' averages (seeding faces only) | time | allocated |");
        Console.WriteLine("|---|---|---|");
        var seededBefore = Time(() => PersonAverage.FromEveryFace(catalog, seeds));
        Row("before: every face in a person read", seededBefore);
        double leftOutShare = catalog.FacesSeenInPeople().Average(f => seeds(f) ? 0.0 : 1.0);
        var seededNow = Time(() => PersonAverage.Of(catalog, seeds));
        Row($"now: {(leftOutShare > 1.0 / 8 ? "every face read, as more than 1/8 do not seed" : "the kept sums less the faces that do not seed")}", seededNow);
        var reference = seededBefore.Value.ToDictionary(a => a.Person.Id);
        float worstMean = 0;
        foreach (var average in seededNow.Value)
        {
            var old = reference[average.Person.Id];
            for (int d = 0; d < old.Mean.Length; d++) worstMean = Math.Max(worstMean, Math.Abs(old.Mean[d] - average.Mean[d]));
            if (!old.Photos.SetEquals(average.Photos) || old.Earliest != average.Earliest)
                throw new InvalidOperationException($"person {average.Person.Id}: photos or earliest day differ");
        }
        if (seededNow.Value.Count != reference.Count) throw new InvalidOperationException($"{seededNow.Value.Count} averages against {reference.Count}");
        Console.WriteLine();
        Console.WriteLine($"The same {reference.Count:N0} people, photos and earliest days either way ({leftOutShare:P1} of the faces in people do not seed); the largest difference in a mean's coordinate: {worstMean:G3}. Peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB.");
    }

    static void Measure(string backend, string location, Action forgetSums)
    {
        using var catalog = CatalogStores.For(location).Open();
        var everyone = catalog.People(includeHidden: true);
        long largest = everyone[0].Id;
        var random = new Random(50);
        var people = everyone.Skip(1).OrderBy(_ => random.Next()).Take(50).Select(p => p.Id).Prepend(largest).ToList();
        int faces = everyone.Where(p => people.Contains(p.Id)).Sum(p => p.Faces);
        var loose = catalog.FacesInNoPerson(newest: 20).Select(f => f.FaceId).ToList();

        double Time(Action action)
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }
        int Largest() => catalog.PeopleAsClusters(people, []).Single(c => c.Person == largest).Faces;
        string Ms(IEnumerable<double> times) => string.Join(", ", times.Select(t => t >= 1000 ? $"{t / 1000:F1} s" : $"{t:F0} ms"));

        Console.WriteLine($"### {backend}: the largest person ({everyone[0].Faces:N0} faces) and 50 others, {faces:N0} faces in all");
        Console.WriteLine();
        Console.WriteLine("| read as clusters | times |");
        Console.WriteLine("|---|---|");
        var cold = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            forgetSums();
            cold.Add(Time(() => catalog.PeopleAsClusters(people, [])));
        }
        Console.WriteLine($"| no sum kept (every face read, then the sums kept) | {Ms(cold)} |");
        Console.WriteLine($"| sums kept | {Ms(Enumerable.Range(0, 3).Select(_ => Time(() => catalog.PeopleAsClusters(people, []))))} |");
        int before = Largest();
        var placed = Time(() => catalog.Change(rows => rows.CarryingSums(loose, () =>
        {
            rows.PlaceFaces(loose, largest, FaceAssignment.Machine);
            return 0;
        })));
        var after = Enumerable.Range(0, 3).Select(_ => Time(() => catalog.PeopleAsClusters(people, []))).ToList();
        Console.WriteLine($"| after 20 faces placed in the largest by a change carrying the sums ({placed:F0} ms) | {Ms(after)} |");
        Console.WriteLine();
        if (Largest() != before + loose.Count) throw new InvalidOperationException($"the largest person holds {Largest()} faces, not {before + loose.Count}");
        catalog.Change(rows => rows.CarryingSums(loose, () =>
        {
            rows.PlaceFaces(loose, null, FaceAssignment.None);
            return 0;
        }));
    }
}
