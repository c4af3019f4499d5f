using System.Diagnostics;
using System.Security.Cryptography;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using static FaceAtlas.Bench.BenchProcesses;

namespace FaceAtlas.Bench;

/// <summary>
/// A family library's catalog, made at any size, and every answer the web app gives timed on it through the real
/// program (`./faceatlas serve`), with serve's peak memory; then the cost of adding a batch of new faces (the
/// incremental clustering an `index` of new photos ends with). The faces are synthetic (as <see cref="PeopleWrites"/>'s):
/// 40 % strangers seen once, people of heavy-tailed size, the largest about 3.4 % of all faces (as LFW grown 64-fold
/// was); photos of one to three faces, dated over twenty years (one in ten by its file only); a third of the people
/// named. People are written as they are known (clustering a million faces is `cluster-scale`'s to measure).
/// </summary>
internal static class BigCatalog
{
    static readonly string[] Names = ["Ann", "Anna", "Andrew", "Bea", "Ben", "Carl", "Dana", "Ella", "Frank", "Grace", "Hana", "Ivan", "Jane", "Kai", "Lena", "Milan", "Nora", "Otto", "Pia", "Rosa"];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || args[i - 1] != "--requests")).Select(int.Parse).DefaultIfEmpty(100_000).ToArray();
        int requests = BenchArgs.Option(args, "--requests", 10);
        bool keep = args.Contains("--keep");
        bool postgres = args.Contains("--postgres");
        string launcher = Path.Combine(BenchPaths.RepositoryRoot, "faceatlas");
        foreach (int n in sizes)
        {
            var work = Directory.CreateTempSubdirectory("faceatlas-big-catalog-").FullName;
            var path = Path.Combine(work, "catalog.db");
            try
            {
                var made = Stopwatch.StartNew();
                var (largest, anyPhoto) = Make(path, n);
                Console.WriteLine($"## {n:N0} faces: catalog made in {made.Elapsed.TotalSeconds:F0} s, {new FileInfo(path).Length / 1048576:N0} MB");
                Console.WriteLine();
                await Endpoints(launcher, path, largest, anyPhoto, requests);
                Incremental(path);
                if (postgres) await BigCatalogOnPostgres.RunAsync(launcher, path, largest, anyPhoto, requests);
            }
            finally
            {
                if (keep) Console.WriteLine($"kept: {path}");
                else Directory.Delete(work, recursive: true);
            }
        }
        return 0;
    }

    /// <summary>Makes the catalog; returns its largest person and a photo of theirs.</summary>
    static (long Person, long Photo) Make(string path, int n)
    {
        var random = new Random(39);
        // Identities: a face's identity, drawn so that the largest holds ~3.4 % and 40 % are seen once.
        var identityOf = new int[n];
        int identities = 0, at = 0;
        for (int giant = (int)(n * 0.034); at < giant; at++) identityOf[at] = 0;
        identities = 1;
        while (at < n)
        {
            int size = random.NextDouble() < 0.4 ? 1 : 2 + (int)(3 / Math.Pow(random.NextDouble() + 1e-9, 0.8));
            for (int i = 0; i < size && at < n; i++, at++) identityOf[at] = identities;
            identities++;
        }
        random.Shuffle(identityOf);
        var centres = new float[identities][];
        float[] Centre(int identity) => centres[identity] ??= SyntheticFaces.Face(random, new float[Embeddings.Dimensions], 1.0);
        var points = new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50));

        using (var catalog = SqliteCatalog.Open(path))
        {
            var batch = new List<PhotoOutcome>();
            int face = 0, photo = 0;
            while (face < n)
            {
                int count = Math.Min(n - face, random.NextDouble() switch { < 0.85 => 1, < 0.97 => 2, _ => 3 });
                var faces = Enumerable.Range(0, count).Select(i => new FaceObservation(new FaceBox(40 + 300 * i, 60, 120 + random.Next(80), 120 + random.Next(80)),
                    0.8f + 0.19f * random.NextSingle(), points, SyntheticFaces.Face(random, Centre(identityOf[face + i]), 0.029))).ToList();
                var day = new DateTime(2006, 1, 1).AddDays(random.Next(20 * 365)).AddSeconds(random.Next(86_400));
                var file = new PhotoFile($"/library/{day:yyyy}/{day:MM}/IMG_{photo:D7}.jpg", 3_000_000 + photo, day.Ticks);
                batch.Add(new PhotoOutcome.Analysed(file, SHA256.HashData(BitConverter.GetBytes(photo)), new PhotoAnalysis(4000, 3000, "JPEG", faces))
                {
                    Taken = random.Next(10) == 0 ? CaptureDate.FromFile(DateTime.UtcNow.Ticks) : new CaptureDate(day, null, DateSource.Exif),
                });
                face += count;
                photo++;
                if (batch.Count == 5_000)
                {
                    catalog.Commit(batch);
                    batch.Clear();
                }
            }
            catalog.Commit(batch);

            // People as clustering would leave them: every identity of two or more faces, a third of them named.
            var facesOf = new Dictionary<int, List<long>>();
            int k = 0;
            // The k-th face written, in id order, is of identity identityOf[k].
            foreach (var f in catalog.Faces(false).OrderBy(f => f.Id))
            {
                (facesOf.TryGetValue(identityOf[k], out var list) ? list : facesOf[identityOf[k]] = []).Add(f.Id);
                k++;
            }
            return catalog.Change(rows =>
            {
                long giantPerson = 0;
                foreach (var (identity, ids) in facesOf.Where(kv => kv.Value.Count >= 2))
                {
                    long person = rows.NewPerson();
                    if (identity == 0) giantPerson = person;
                    rows.PlaceFaces(ids, person, FaceAssignment.Machine);
                    rows.SetCover(person, ids[0]);
                    if (random.Next(3) == 0) rows.SetName(person, $"{Names[random.Next(Names.Length)]} {identity}");
                }
                rows.SetClustered(facesOf.Values.SelectMany(v => v).ToList(), true);
                return (giantPerson, catalog.Face(facesOf[0][0])!.Photo.Id);
            });
        }
    }

    /// <summary>Each answer the pages ask for, timed through the program's own server: the first, then the median and worst of the rest.</summary>
    internal static async Task Endpoints(string launcher, string catalog, long largest, long photo, int requests)
    {
        using var serve = Start(launcher, "serve", "--port", "0", "--catalog", catalog);
        var address = (await serve.StandardOutput.ReadLineAsync())!["FaceAtlas is at ".Length..].Split(' ')[0];
        _ = serve.StandardOutput.ReadToEndAsync();
        _ = serve.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        Console.WriteLine("| answer | first | median | worst | bytes |");
        Console.WriteLine("|---|---|---|---|---|");
        string[] paths =
        [
            "api/status", "api/people?limit=200", "api/people?limit=200&q=an", $"api/photos/{photo}", $"api/people/{largest}",
            $"api/people/{largest}/photos?offset=0&limit=60", $"api/people/{largest}/photos?offset=30000&limit=60", "api/review?limit=200",
            "api/review/page?limit=12", "api/review/page?offset=12&limit=12", "api/suggestions",
        ];
        foreach (var path in paths)
        {
            var times = new List<double>();
            long bytes = 0;
            int status = 0;
            for (int i = 0; i < requests; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("X-FaceAtlas-Request", "1");
                var watch = Stopwatch.StartNew();
                using var response = await http.SendAsync(request);
                bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
                times.Add(watch.Elapsed.TotalMilliseconds);
                status = (int)response.StatusCode;
            }
            var rest = times.Skip(1).Order().ToList();
            string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F1} s" : $"{ms:F0} ms";
            Console.WriteLine($"| `GET /{path}`{(status == 200 ? "" : $" ({status})")} | {Ms(times[0])} | {(rest.Count > 0 ? Ms(rest[rest.Count / 2]) : "")} | {(rest.Count > 0 ? Ms(rest[^1]) : "")} | {bytes:N0} |");
        }
        Console.WriteLine();
        Console.WriteLine($"serve's peak memory: {HighWaterMark(serve.Id) / 1048576:N0} MB");
        Console.WriteLine();
        serve.Kill(entireProcessTree: true);
        await serve.WaitForExitAsync();
    }

    /// <summary>
    /// What an `index` of new photos ends with: 60 new faces (20 of the largest person, 40 of people never seen)
    /// committed, then clustered incrementally; time and this process's peak memory.
    /// </summary>
    static void Incremental(string path)
    {
        var random = new Random(60);
        using var catalog = SqliteCatalog.Open(path);
        var points = new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50));
        var largestCentre = SyntheticFaces.Mean(catalog.People(includeHidden: true).Take(1)
            .SelectMany(p => catalog.FaceVectors(catalog.FacesOf(p.Id).Take(200).ToList())).Select(v => v.Embedding));
        var strangers = Enumerable.Range(0, 10).Select(_ => SyntheticFaces.Face(random, new float[Embeddings.Dimensions], 1.0)).ToList();
        var outcomes = Enumerable.Range(0, 60).Select(i => (PhotoOutcome)new PhotoOutcome.Analysed(
            new PhotoFile($"/library/new/IMG_{i:D4}.jpg", 1_000 + i, DateTime.UtcNow.Ticks), SHA256.HashData(BitConverter.GetBytes(-1 - i)),
            new PhotoAnalysis(4000, 3000, "JPEG", [new FaceObservation(new FaceBox(100, 100, 150, 150), 0.95f, points,
                SyntheticFaces.Face(random, i < 20 ? largestCentre : strangers[i % 10], 0.029))])) { Taken = new CaptureDate(DateTime.Now, null, DateSource.Exif) }).ToList();
        catalog.Commit(outcomes);
        GC.Collect();
        var watch = Stopwatch.StartNew();
        var summary = new PeopleService(catalog).Cluster(full: false);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"60 new faces clustered in {watch.Elapsed.TotalSeconds:F1} s ({summary.FacesAssigned} placed, {summary.NewPeople} new people); " +
                          $"this process's peak memory {process.PeakWorkingSet64 / 1048576:N0} MB (catalog making included)");
        Console.WriteLine();
    }
}
