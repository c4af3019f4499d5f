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
/// named; one identity in 50 of six faces or more split into two people, as clustering leaves some, for the suggestions
/// to offer. People are written as they are known (clustering a million faces is `cluster-scale`'s to measure). With
/// `--pictures` each photo is a picture the pages can show, with `--pages` they are opened in Chromium
/// (<see cref="BigCatalogPages"/>).
/// </summary>
internal static class BigCatalog
{
    static readonly string[] Names = ["Ann", "Anna", "Andrew", "Bea", "Ben", "Carl", "Dana", "Ella", "Frank", "Grace", "Hana", "Ivan", "Jane", "Kai", "Lena", "Milan", "Nora", "Otto", "Pia", "Rosa"];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || args[i - 1] is not ("--requests" or "--catalog"))).Select(int.Parse).DefaultIfEmpty(100_000).ToArray();
        int requests = BenchArgs.Option(args, "--requests", 10);
        string launcher = Path.Combine(BenchPaths.RepositoryRoot, "faceatlas");
        if (BenchArgs.Value(args, "--catalog") is { } given)
        {
            // A catalog this made and kept: its answers alone, measured again (after a change to the server).
            long largestPerson, itsPhoto;
            using (var catalog = SqliteCatalog.Open(given))
            {
                largestPerson = catalog.PeoplePage(includeHidden: false, namedOnly: false, 0, 1).People[0].Id;
                itsPhoto = catalog.FacesOfPerson(largestPerson)[0].Photo.Id;
            }
            if (!args.Contains("--postgres"))
            {
                if (args.Contains("--restarts"))
                {
                    await BigCatalogRestarts.RunAsync(launcher, given);
                    return 0;
                }
                if (!args.Contains("--pages-only")) await Endpoints(launcher, given, largestPerson, itsPhoto, requests);
                if (args.Contains("--pages") || args.Contains("--pages-only")) await BigCatalogPages.RunAsync(launcher, given, largestPerson);
                return 0;
            }
            // The kept catalog on PostgreSQL: the new faces' reference places made on a copy of it here (exactly,
            // no search index), then the copy into PostgreSQL, its answers and its incremental clustering.
            bool clusters = !args.Contains("--no-incremental");
            var copy = Path.Combine(Path.GetDirectoryName(given)!, "exact.db");
            try
            {
                List<string> reference = [];
                if (clusters)
                {
                    File.Copy(given, copy, overwrite: true);
                    AddNewFaces(copy);
                    reference = ExactPlaces(copy);
                }
                await BigCatalogOnPostgres.RunAsync(launcher, given, largestPerson, itsPhoto, requests, !args.Contains("--no-endpoints"), reference,
                    incremental: clusters, pages: args.Contains("--pages"), restarts: args.Contains("--restarts"));
            }
            finally
            {
                File.Delete(copy);
            }
            return 0;
        }
        bool keep = args.Contains("--keep");
        bool postgres = args.Contains("--postgres");
        bool endpoints = !args.Contains("--no-endpoints");
        bool pictures = args.Contains("--pictures") || args.Contains("--pages");
        foreach (int n in sizes)
        {
            var work = Directory.CreateTempSubdirectory("faceatlas-big-catalog-").FullName;
            var path = Path.Combine(work, "catalog.db");
            try
            {
                var made = Stopwatch.StartNew();
                var (largest, anyPhoto) = Make(path, n, pictures ? Path.Combine(work, "library") : null);
                Console.WriteLine($"## {n:N0} faces: catalog made in {made.Elapsed.TotalSeconds:F0} s, {new FileInfo(path).Length / 1048576:N0} MB");
                Console.WriteLine();
                if (args.Contains("--make-only")) continue; // for `--catalog` to measure later (with --keep)
                if (endpoints)
                {
                    await Endpoints(launcher, path, largest, anyPhoto, requests, "first start");
                    await Endpoints(launcher, path, largest, anyPhoto, requests, "started again (people's averages and suggestions saved by the first)");
                }
                if (args.Contains("--pages")) await BigCatalogPages.RunAsync(launcher, path, largest);
                var pristine = postgres ? Path.Combine(work, "before.db") : null;
                var placed = await Incremental(launcher, path, pristine);
                if (pristine is not null) await BigCatalogOnPostgres.RunAsync(launcher, pristine, largest, anyPhoto, requests, endpoints, placed, pages: args.Contains("--pages"));
            }
            finally
            {
                if (keep) Console.WriteLine($"kept: {path}");
                else Directory.Delete(work, recursive: true);
            }
        }
        return 0;
    }

    /// <summary>
    /// Makes the catalog; returns its largest person and a photo of theirs. With <paramref name="library"/>, each photo
    /// is a picture there: a symbolic link to one of lfw-dev's photos (250 by 250 pixels, its faces' boxes inside it),
    /// so that the pages can show faces; without, the photos' paths lead nowhere.
    /// </summary>
    static (long Person, long Photo) Make(string path, int n, string? library = null)
    {
        var lfw = library is null ? [] : Directory.GetFiles(Path.Combine(BenchPaths.RepositoryRoot, "..", "shared", "datasets", "lfw-dev"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        if (library is not null && lfw.Length == 0) throw new InvalidOperationException("--pictures: no photos in ../shared/datasets/lfw-dev");
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

        // A face's box in a 4000 by 3000 photo, or inside the 250 by 250 picture (a third of it wide, side by side).
        FaceBox Box(int i, int width, int height) => library is null
            ? new FaceBox(40 + 300 * i, 60, width, height)
            : new FaceBox(20 + 70 * i, 70, width / 2.4f, height / 2.4f);

        using (var catalog = SqliteCatalog.Open(path))
        {
            var batch = new List<PhotoOutcome>();
            int face = 0, photo = 0;
            while (face < n)
            {
                int count = Math.Min(n - face, random.NextDouble() switch { < 0.85 => 1, < 0.97 => 2, _ => 3 });
                // The same draws with pictures or without, so both catalogs hold the same faces, people and dates.
                var faces = Enumerable.Range(0, count).Select(i => new FaceObservation(Box(i, 120 + random.Next(80), 120 + random.Next(80)),
                    DetectorScore(random.NextSingle()), points, SyntheticFaces.Face(random, Centre(identityOf[face + i]), 0.029))).ToList();
                var day = new DateTime(2006, 1, 1).AddDays(random.Next(20 * 365)).AddSeconds(random.Next(86_400));
                var file = new PhotoFile($"{library ?? "/library"}/{day:yyyy}/{day:MM}/IMG_{photo:D7}.jpg", 3_000_000 + photo, day.Ticks);
                if (library is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
                    File.CreateSymbolicLink(file.Path, lfw[photo % lfw.Length]);
                }
                var (width, height) = library is null ? (4000, 3000) : (250, 250);
                batch.Add(new PhotoOutcome.Analysed(file, SHA256.HashData(BitConverter.GetBytes(photo)), new PhotoAnalysis(width, height, "JPEG", faces))
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
            // As clustering leaves some: one identity in 50 of six faces or more split into two people, which the
            // suggestions then offer to merge (their own random numbers, so the rest is as it was before they were).
            var splits = new Random(40);
            var made = catalog.Change(rows =>
            {
                long giantPerson = 0;
                foreach (var (identity, ids) in facesOf.Where(kv => kv.Value.Count >= 2))
                {
                    long person = rows.NewPerson();
                    if (identity == 0) giantPerson = person;
                    bool split = identity != 0 && ids.Count >= 6 && splits.Next(50) == 0;
                    var (mine, other) = split ? (ids[..(ids.Count / 2)], ids[(ids.Count / 2)..]) : (ids, []);
                    rows.PlaceFaces(mine, person, FaceAssignment.Machine);
                    rows.SetCover(person, mine[0]);
                    if (random.Next(3) == 0) rows.SetName(person, $"{Names[random.Next(Names.Length)]} {identity}");
                    if (!split) continue;
                    long half = rows.NewPerson();
                    rows.PlaceFaces(other, half, FaceAssignment.Machine);
                    rows.SetCover(half, other[0]);
                }
                rows.SetClustered(facesOf.Values.SelectMany(v => v).ToList(), true);
                return (giantPerson, catalog.Face(facesOf[0][0])!.Photo.Id);
            });
            // Every person's sum kept, as the clustering that leaves a real library's people leaves them.
            catalog.EveryPersonAsCluster();
            return made;
        }
    }

    /// <summary>
    /// A detection's confidence from one uniform draw: one face in 20 below the 0.90 a face needs to seed suggestions
    /// (0.70-0.90: doubtful detections, kept), the rest 0.90-0.999. Of docs/QUALITY.md's 221 real detections, 5 were
    /// below; one in 20 is a library with more background faces than those sets.
    /// </summary>
    static float DetectorScore(float draw) => draw < 0.05f ? 0.70f + 4 * draw : 0.90f + 0.099f * (draw - 0.05f) / 0.95f;

    /// <summary>Each answer the pages ask for, timed through the program's own server: the first, then the median and worst of the rest.</summary>
    internal static async Task Endpoints(string launcher, string catalog, long largest, long photo, int requests, string start = "started")
    {
        Console.WriteLine($"### serve: {start}");
        Console.WriteLine();
        var (serve, address) = await StartServe(launcher, catalog);
        using var running = serve;
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        Console.WriteLine("| answer | first | median | worst | bytes |");
        Console.WriteLine("|---|---|---|---|---|");
        string[] paths =
        [
            "api/status", "api/people?limit=200", "api/people?limit=200&q=an", $"api/photos/{photo}", $"api/people/{largest}",
            $"api/people/{largest}/photos?offset=0&limit=60", $"api/people/{largest}/photos?offset=30000&limit=60", "api/review?limit=200",
            "api/review/page?limit=12", "api/review/page?offset=12&limit=12", "api/suggestions", "api/suggestions/page?limit=12", "api/suggestions/page?offset=500&limit=12", "api/photos", $"api/photos?people={largest}",
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
    /// committed to two copies of the catalog, then each clustered by `./faceatlas cluster`: the one beside a search
    /// index against the new faces' neighbourhood in it, the other by reading every face (as without an index). Time
    /// and peak memory of each process, and how many new faces each placed as the neighbourhood's rule does with
    /// every face compared (a third copy, in this process). Returns those placements; <paramref name="pristine"/>: a
    /// copy of the catalog as it was before, kept for another backend's turn.
    /// </summary>
    static async Task<List<string>> Incremental(string launcher, string path, string? pristine)
    {
        string Copy(string name)
        {
            var copy = Path.Combine(Path.GetDirectoryName(path)!, name);
            File.Copy(path, copy);
            if (File.Exists(path + "-wal")) File.Copy(path + "-wal", copy + "-wal");
            return copy;
        }
        if (pristine is not null) File.Copy(path, pristine);
        var (whole, exact) = (Copy("whole.db"), Copy("exact.db"));
        foreach (var copy in new[] { whole, exact }) AddNewFaces(copy);
        await IndexedThenClustered(launcher, path);
        var watch = Stopwatch.StartNew();
        var (said, peak) = await Run(launcher, "cluster", "--catalog", whole);
        Console.WriteLine($"| every face read | {watch.Elapsed.TotalSeconds:F1} s | {peak / 1048576:N0} MB | {said.Split('\n').Last(l => l.StartsWith("Clustered"))} |");
        Console.WriteLine();

        var reference = ExactPlaces(exact);
        Agreement("every face read", NewFacePlaces(whole), reference);
        Agreement("neighbourhood, through the search index", NewFacePlaces(path), reference);
        Console.WriteLine();
        return reference;
    }

    /// <summary>
    /// The search index built over the catalog at <paramref name="location"/> (`search --like --index`), the new faces
    /// committed, then `cluster` run; prints the table's heading and its row.
    /// </summary>
    internal static async Task IndexedThenClustered(string launcher, string location)
    {
        var watch = Stopwatch.StartNew();
        long anyFace;
        using (var catalog = CatalogStores.For(location).Open()) anyFace = catalog.FaceVectors().First().Id;
        await Run(launcher, "search", "--like", anyFace.ToString(), "--top", "1", "--index", "--catalog", location);
        Console.WriteLine($"search index built by `search --like --index` in {watch.Elapsed.TotalSeconds:F0} s");
        AddNewFaces(location);
        Console.WriteLine();
        Console.WriteLine("| 60 new faces clustered | time | peak memory | what `cluster` said |");
        Console.WriteLine("|---|---|---|---|");
        watch.Restart();
        var (said, peak) = await Run(launcher, "cluster", "--catalog", location);
        Console.WriteLine($"| neighbourhood, through the search index | {watch.Elapsed.TotalSeconds:F1} s | {peak / 1048576:N0} MB | {said.Split('\n').Last(l => l.StartsWith("Clustered"))} |");
    }

    /// <summary>
    /// The reference: the neighbourhood's decisions with every face compared, no search approximate, made on the
    /// catalog at <paramref name="path"/> (its new faces committed); where they put each new face.
    /// </summary>
    static List<string> ExactPlaces(string path)
    {
        var watch = Stopwatch.StartNew();
        using (var catalog = SqliteCatalog.Open(path, create: false))
            new PeopleService(catalog, ClusteringOptions.Default with { NeighbourhoodShare = 1 }).Cluster(full: false, neighbours: new ExactNeighbours(catalog));
        Console.WriteLine($"the same with exact neighbours (every face compared, in this process): {watch.Elapsed.TotalSeconds:F1} s");
        return NewFacePlaces(path);
    }

    internal static void Agreement(string name, List<string> places, List<string> reference)
    {
        var differ = Enumerable.Range(0, places.Count).Where(i => places[i] != reference[i]).ToList();
        Console.WriteLine($"- {name}: {places.Count - differ.Count} of {places.Count} new faces placed as with exact neighbours" +
                          (differ.Count == 0 ? "" : $" ({string.Join("; ", differ.Take(5).Select(i => $"face {i}: {places[i]}, exactly: {reference[i]}"))})"));
    }

    /// <summary>Commits the 60 new faces (the same on every call of one <paramref name="batch"/>; 0: those every measurement here adds).</summary>
    internal static void AddNewFaces(string location, int batch = 0)
    {
        var random = new Random(60 + batch);
        using var catalog = CatalogStores.For(location).Open();
        var points = new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50));
        var largestCentre = SyntheticFaces.Mean(catalog.People(includeHidden: true).Take(1)
            .SelectMany(p => catalog.FaceVectors(catalog.FacesOf(p.Id).Take(200).ToList())).Select(v => v.Embedding));
        var strangers = Enumerable.Range(0, 10).Select(_ => SyntheticFaces.Face(random, new float[Embeddings.Dimensions], 1.0)).ToList();
        var taken = new DateTime(2026, 12, 1, 12, 0, 0);
        var outcomes = Enumerable.Range(0, 60).Select(i => (PhotoOutcome)new PhotoOutcome.Analysed(
            new PhotoFile(batch == 0 ? $"/library/new/IMG_{i:D4}.jpg" : $"/library/new-{batch}/IMG_{i:D4}.jpg", 1_000 + i, taken.Ticks),
            SHA256.HashData(BitConverter.GetBytes(-1 - i - 1000 * batch)),
            new PhotoAnalysis(4000, 3000, "JPEG", [new FaceObservation(new FaceBox(100, 100, 150, 150), 0.95f, points,
                SyntheticFaces.Face(random, i < 20 ? largestCentre : strangers[i % 10], 0.029))])) { Taken = new CaptureDate(taken, null, DateSource.Exif) }).ToList();
        catalog.Commit(outcomes);
    }

    /// <summary>Where each new face went: a person that existed before by id, a new one by its first new face, or none.</summary>
    internal static List<string> NewFacePlaces(string location)
    {
        using var catalog = CatalogStores.For(location).Open();
        var fresh = catalog.Faces(false).Where(f => f.Photo.Path.StartsWith("/library/new/")).OrderBy(f => f.Photo.Path).ToList();
        var byPerson = fresh.Where(f => f.PersonId is not null).GroupBy(f => f.PersonId!.Value).ToDictionary(g => g.Key, g => g.First().Photo.Path);
        long firstNew = fresh.Min(f => f.Id);
        return fresh.Select(f => f.PersonId is not { } p ? "none"
            : catalog.FacesOf(p).Any(id => id < firstNew) ? $"person {p}" : $"new with {byPerson[p]}").ToList();
    }

    /// <summary>Runs the program under GNU time; its output, and its peak resident memory in bytes.</summary>
    internal static async Task<(string Output, long Peak)> Run(string launcher, params string[] args)
    {
        using var process = Start("/usr/bin/time", ["-f", "peak-kb %M", launcher, .. args]);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"faceatlas {string.Join(' ', args)}: exit {process.ExitCode}: {await errors}");
        var peak = (await errors).Split('\n').Last(l => l.StartsWith("peak-kb "));
        return (await output, long.Parse(peak["peak-kb ".Length..]) * 1024);
    }

    /// <summary>
    /// Every face of the catalog compared with each new face in one pass (the new faces' embeddings asked for are
    /// known before: those no clustering has seen), keeping their nearest.
    /// </summary>
    internal sealed class ExactNeighbours : IFaceNeighbours
    {
        readonly List<(float[] Query, List<NearFace> Nearest)> _answers;

        public ExactNeighbours(IFaceCatalog catalog)
        {
            var queries = catalog.FacesNotClustered(int.MaxValue - 1).Select(f => f.Embedding).ToList();
            var heaps = queries.Select(_ => new PriorityQueue<NearFace, float>()).ToList();
            int k = ClusteringOptions.Default.Neighbours + 8;
            foreach (var face in catalog.FaceVectors())
            {
                Faces++;
                for (int q = 0; q < queries.Count; q++)
                {
                    float s = System.Numerics.Tensors.TensorPrimitives.Dot(queries[q], face.Embedding);
                    if (heaps[q].Count < k) heaps[q].Enqueue(new NearFace(face.Id, s), s);
                    else if (heaps[q].TryPeek(out _, out float worst) && s > worst) heaps[q].DequeueEnqueue(new NearFace(face.Id, s), s);
                }
            }
            _answers = queries.Select((q, i) => (q, heaps[i].UnorderedItems.Select(x => x.Element).OrderByDescending(n => n.Similarity).ToList())).ToList();
        }

        public int Faces { get; }

        public IReadOnlyList<NearFace> Nearest(float[] embedding, int k) =>
            _answers.First(a => a.Query.AsSpan().SequenceEqual(embedding)).Nearest.Take(k).ToList();
    }
}
