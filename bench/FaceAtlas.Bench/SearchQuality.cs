using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Storage;
using FaceAtlas.Vision;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Bench;

/// <summary>
/// Search as a user runs it (1:N): one photo per person with at least 5 photos in lfw-dev is held out as the query,
/// every other photo is the gallery (a real catalog, clustered as `index` clusters it), and the query, never in
/// the catalog, asks for every photo of its person. Mean precision and recall over the queries, for the default
/// rule and for fixed thresholds; then the same gallery with synthetic strangers added through the catalog (real
/// clustering, the search index above 20,000 faces), and a simulation of 100k and 1M faces in memory.
/// </summary>
internal static class SearchQuality
{
    sealed record Query(string Identity, long PhotoId, float[] Embedding);

    sealed record Gallery(string Path, int Photos, int Faces, int Strangers, IReadOnlyDictionary<string, int> PhotosOf);

    public static int Run(string catalogPath, string[] args)
    {
        var strangers = Values(args, "--strangers", int.Parse, [0, 20_000, 90_000]);
        var simulate = Values(args, "--simulate", int.Parse, [100_000, 1_000_000]);
        var grid = Values(args, "--grid", Setting, [Identification.Default]);
        var thresholds = Values(args, "--thresholds", s => float.Parse(s, CultureInfo.InvariantCulture), [FaceEmbedder.SamePersonThreshold, 0.45f]);
        bool tail = args.Contains("--tail");
        bool why = args.Contains("--why");

        List<(string Identity, FaceRecord Face)> labelled;
        using (var source = SqliteCatalog.Open(catalogPath, create: false))
            labelled = LabelledFaces.Pick(source.Faces(withEmbeddings: true).Where(f => f.Embedding is not null));
        var random = new Random(7);
        var queries = labelled.GroupBy(l => l.Identity).Where(g => g.Count() >= 5).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(l => l.Face.Photo.Path, StringComparer.Ordinal).ElementAt(random.Next(g.Count())))
            .Select(l => new Query(l.Identity, l.Face.Photo.Id, l.Face.Embedding!)).ToList();
        Console.WriteLine($"lfw-dev: {labelled.Count:N0} labelled photos of {labelled.Select(l => l.Identity).Distinct().Count():N0} people; " +
            $"{queries.Count} queries (one held-out photo of each person with >= 5), never in the gallery");
        if (tail) Tail(labelled);

        var work = Directory.CreateTempSubdirectory("faceatlas-search-quality-").FullName;
        try
        {
            foreach (int count in strangers)
            {
                var gallery = MakeGallery(catalogPath, Path.Combine(work, $"gallery-{count}.db"), queries, labelled, count);
                Console.WriteLine();
                Console.WriteLine($"## gallery: {gallery.Photos:N0} photos, {gallery.Faces:N0} faces ({gallery.Strangers:N0} of them synthetic strangers)");
                Console.WriteLine();
                Console.WriteLine("| rule | mean precision | mean recall | queries answered with a stranger | strangers per query | as 'this person' / 'looks alike' | p50 ms |");
                Console.WriteLine("|---|---|---|---|---|---|---|");
                foreach (var rule in grid)
                    Measure(gallery, queries, new SearchOptions { Identification = rule }, Describe(rule, gallery.Faces));
                if (why) Why(gallery, queries, grid[0]);
                foreach (float t in thresholds)
                    Measure(gallery, queries, new SearchOptions(t), $"every face >= {t:F2}" + (t == FaceEmbedder.SamePersonThreshold ? " (the old default)" : ""));
            }
            if (simulate.Length > 0)
            {
                Simulate(labelled, queries, simulate, grid[0]);
                Project(labelled, queries, [10_000, 30_000, .. simulate], grid[0]);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        return 0;
    }

    static string Describe(Identification r, int faces) =>
        $"this person (person {r.PersonThreshold:F2} + {r.SmallPersonPenalty:F2}/sqrt(n), face {r.FaceThreshold:F2}; " +
        $"+{r.PersonRisePerDecade:F2} / +{r.FaceRisePerDecade:F2} a decade over {r.ReferenceFaces:N0} faces: {r.Decades(faces):F2} decades here)";

    /// <summary>The source catalog without the query photos, with synthetic strangers, clustered as `index` would.</summary>
    static Gallery MakeGallery(string source, string path, List<Query> queries, List<(string Identity, FaceRecord Face)> labelled, int strangers)
    {
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            connection.Open();
            using var copy = connection.CreateCommand();
            copy.CommandText = "VACUUM INTO $path";
            copy.Parameters.AddWithValue("$path", path);
            copy.ExecuteNonQuery();
        }
        using var catalog = SqliteCatalog.Open(path, create: false);
        catalog.RemovePhotos(queries.Select(q => q.PhotoId).ToList());
        if (strangers > 0) AddStrangers(catalog, labelled, strangers);
        var watch = Stopwatch.StartNew();
        var summary = new PeopleService(catalog).Cluster(full: true);
        Console.Error.WriteLine($"search-quality: clustered {summary.Faces:N0} faces into {summary.People:N0} people in {watch.Elapsed.TotalSeconds:F0} s");
        var queried = queries.Select(q => q.PhotoId).ToHashSet();
        var photosOf = labelled.Where(l => !queried.Contains(l.Face.Photo.Id)).GroupBy(l => l.Identity).ToDictionary(g => g.Key, g => g.Count());
        var counts = catalog.Counts();
        return new Gallery(path, counts.Photos, counts.Faces, strangers, photosOf);
    }

    /// <summary>Synthetic people (40 % seen once, the rest 2 or more times, as SearchScale makes them), one face per photo.</summary>
    static void AddStrangers(SqliteCatalog catalog, List<(string Identity, FaceRecord Face)> labelled, int count)
    {
        var random = new Random(13);
        var sampler = new SyntheticFaces.IdentitySampler(labelled.GroupBy(l => l.Identity).Select(g => SyntheticFaces.Mean(g.Select(l => l.Face.Embedding!))).ToList());
        var batch = new List<PhotoOutcome>();
        var points = new FivePoints(new(30, 40), new(70, 40), new(50, 55), new(35, 75), new(65, 75));
        for (int made = 0, identity = 0; made < count; identity++)
        {
            var centre = sampler.Next(random);
            double noise = 0.026 + 0.008 * random.NextDouble();
            int faces = random.NextDouble() < 0.4 ? 1 : 2 + (int)(3 / Math.Pow(random.NextDouble() + 1e-9, 0.8));
            for (int i = 0; i < faces && made < count; i++, made++)
            {
                var face = new FaceObservation(new FaceBox(20, 20, 60, 60), 0.99f, points, SyntheticFaces.Face(random, centre, noise));
                batch.Add(new PhotoOutcome.Analysed(new PhotoFile($"/synthetic/{identity}/{i}.jpg", 1000 + made, made), BitConverter.GetBytes(made),
                    new PhotoAnalysis(100, 100, "JPEG", [face])));
            }
            if (batch.Count >= 2000 || made >= count)
            {
                catalog.Commit(batch);
                batch.Clear();
            }
        }
    }

    static void Measure(Gallery gallery, List<Query> queries, SearchOptions options, string name)
    {
        using var catalog = SqliteCatalog.Open(gallery.Path, create: false);
        var search = new FaceSearch(catalog, FaceSearch.IndexPathFor(gallery.Path));
        search.Index(); // built once, outside the timings, as a long-lived catalog has it
        double precision = 0, recall = 0;
        int withStranger = 0, strangerPhotos = 0, asPerson = 0, asFace = 0;
        var times = new List<double>();
        foreach (var q in queries)
        {
            var watch = Stopwatch.StartNew();
            var hits = search.Search(q.Embedding, options).Hits;
            times.Add(watch.Elapsed.TotalMilliseconds);
            int right = hits.Count(h => IdentityOf(h.Face.Photo.Path) == q.Identity);
            precision += hits.Count == 0 ? 1 : (double)right / hits.Count;
            recall += (double)right / gallery.PhotosOf[q.Identity];
            withStranger += right < hits.Count ? 1 : 0;
            strangerPhotos += hits.Count - right;
            asPerson += hits.Count(h => h.Match == MatchKind.Person);
            asFace += hits.Count(h => h.Match == MatchKind.Face);
        }
        times.Sort();
        Console.WriteLine($"| {name} | {precision / queries.Count:F4} | {recall / queries.Count:F4} | {withStranger} of {queries.Count} | " +
            $"{(double)strangerPhotos / queries.Count:F2} | {asPerson:N0} / {asFace:N0} | {times[times.Count / 2]:F1} |");
    }

    /// <summary>Where the default rule's errors come from: strangers by route, missed photos by where their face is.</summary>
    static void Why(Gallery gallery, List<Query> queries, Identification rule)
    {
        using var catalog = SqliteCatalog.Open(gallery.Path, create: false);
        var search = new FaceSearch(catalog, FaceSearch.IndexPathFor(gallery.Path));
        var faces = catalog.Faces(withEmbeddings: true).ToList();
        var labelled = LabelledFaces.Pick(faces).ToDictionary(l => l.Face.Id, l => l.Identity);
        var members = faces.Where(f => f.PersonId is not null).GroupBy(f => f.PersonId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        string Majority(long person) => members[person].Where(f => labelled.ContainsKey(f.Id)).GroupBy(f => labelled[f.Id]).MaxBy(g => g.Count())?.Key ?? "?";
        var counts = new Dictionary<string, int>();
        void Count(string what) => counts[what] = counts.GetValueOrDefault(what) + 1;
        foreach (var q in queries)
        {
            var hits = search.Search(q.Embedding, new SearchOptions { Identification = rule }).Hits;
            foreach (var h in hits.Where(h => IdentityOf(h.Face.Photo.Path) != q.Identity))
            {
                string what = h.Match == MatchKind.Face ? "stranger: looks alike (face bar)"
                    : Majority(h.Face.PersonId!.Value) == q.Identity ? "stranger: in the query person's own cluster (clustering error)"
                    : "stranger: the query taken for another person";
                Count(what);
                if (what.EndsWith("person")) Console.WriteLine($"  {q.Identity} -> person {h.Face.PersonId} ({Majority(h.Face.PersonId!.Value)}, {members[h.Face.PersonId!.Value].Count} faces) via {h.Face.Photo.Path} {h.Similarity:F3}");
            }
            var found = hits.Select(h => h.Face.Photo.Id).ToHashSet();
            int right = hits.Count(h => IdentityOf(h.Face.Photo.Path) == q.Identity);
            double r = (double)right / gallery.PhotosOf[q.Identity];
            if (r < 0.8) Console.WriteLine($"  low recall {r:F2}: {q.Identity} ({gallery.PhotosOf[q.Identity]} photos, {hits.Count} returned)");
            foreach (var f in faces.Where(f => labelled.GetValueOrDefault(f.Id) == q.Identity && !found.Contains(f.Photo.Id)))
            {
                float s = TensorPrimitives.Dot(q.Embedding, f.Embedding!);
                if (f.PersonId is { } fp && Majority(fp) == q.Identity)
                    Console.WriteLine($"  fragment of {q.Identity}: person {fp} of {members[fp].Count}, avg {members[fp].Average(m => TensorPrimitives.Dot(q.Embedding, m.Embedding!)):F3} bar {rule.PersonBar(members[fp].Count, gallery.Faces):F3}");
                else if (f.PersonId is null) Console.WriteLine($"  lone face of {q.Identity}: {s:F3}");
                Count(f.PersonId is { } p ? (Majority(p) == q.Identity ? "missed: in a cluster of its own person not recognised" : "missed: clustered into another person")
                    : s >= rule.Floor(gallery.Faces) ? "missed: in no person, under the face bar but over the person bar's floor" : "missed: in no person, under the floor");
            }
        }
        foreach (var (what, n) in counts.OrderBy(c => c.Key)) Console.WriteLine($"  {what}: {n}");
        // How far under the person rule strangers' people fall: the tail that says how fast the bar must rise with
        // the number of people a query is compared with.
        var sums = members.ToDictionary(m => m.Key, m =>
        {
            var sum = new float[FaceEmbedder.Dimensions];
            foreach (var f in m.Value) TensorPrimitives.Add(sum, f.Embedding!, sum);
            return (Sum: sum, m.Value.Count, Identity: Majority(m.Key));
        });
        float[] margins = [-0.16f, -0.12f, -0.08f, -0.04f, 0f];
        var over = new long[margins.Length];
        long tests = 0;
        foreach (var q in queries)
            foreach (var (_, p) in sums)
            {
                if (p.Identity == q.Identity) continue;
                tests++;
                float margin = TensorPrimitives.Dot(q.Embedding, p.Sum) / p.Count - rule.PersonBar(p.Count, gallery.Faces);
                for (int k = 0; k < margins.Length && margin >= margins[k]; k++) over[k]++;
            }
        for (int k = 0; k < margins.Length; k++)
            Console.WriteLine($"  stranger people within {margins[k]:+0.00;-0.00} of the person rule: {over[k] / (double)tests:E2} ({over[k]} of {tests:N0})");
    }

    static string IdentityOf(string path) => Path.GetFileName(Path.GetDirectoryName(path))!;

    /// <summary>
    /// How often two labelled faces of different people reach each similarity, on LFW and between LFW queries and
    /// synthetic strangers: the tail the face bar is set from, and a check that the simulation's strangers are as
    /// alike as real ones.
    /// </summary>
    static void Tail(List<(string Identity, FaceRecord Face)> labelled)
    {
        float[] steps = [0.30f, 0.34f, 0.38f, 0.42f, 0.46f, 0.50f, 0.54f, 0.58f];
        var (similar, pairs) = StrangerPairs(labelled, steps[0]);
        var real = steps.Select(step => (long)similar.Count(s => s >= step)).ToArray();
        var random = new Random(5);
        var sampler = new SyntheticFaces.IdentitySampler(labelled.GroupBy(l => l.Identity).Select(g => SyntheticFaces.Mean(g.Select(l => l.Face.Embedding!))).ToList());
        var synthetic = new long[steps.Length];
        long syntheticPairs = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var face = SyntheticFaces.Face(random, sampler.Next(random), 0.03);
            foreach (var l in labelled)
            {
                syntheticPairs++;
                float s = TensorPrimitives.Dot(face, l.Face.Embedding!);
                for (int k = 0; k < steps.Length && s >= steps[k]; k++) synthetic[k]++;
            }
        }
        Console.WriteLine();
        Console.WriteLine("| similarity >= | LFW strangers (pairs of labelled faces) | synthetic strangers against LFW faces |");
        Console.WriteLine("|---|---|---|");
        for (int k = 0; k < steps.Length; k++)
            Console.WriteLine($"| {steps[k]:F2} | {real[k] / (double)pairs:E2} ({real[k]:N0} of {pairs:N0}) | {synthetic[k] / (double)syntheticPairs:E2} ({synthetic[k]:N0}) |");
    }

    /// <summary>
    /// Catalogs of 100k and 1M faces in memory: the real gallery's faces with their real people (as clustered at no
    /// strangers) is left out; what grows is strangers, so what is counted is what strangers do to each query: how
    /// many stranger people pass the person rule (synthetic people taken as clustered perfectly) and how many
    /// stranger faces pass the face bar at that size.
    /// </summary>
    static void Simulate(List<(string Identity, FaceRecord Face)> labelled, List<Query> queries, int[] sizes, Identification rule)
    {
        var sampler = new SyntheticFaces.IdentitySampler(labelled.GroupBy(l => l.Identity).Select(g => SyntheticFaces.Mean(g.Select(l => l.Face.Embedding!))).ToList());
        Console.WriteLine();
        Console.WriteLine("| simulated catalog | face bar | stranger people passing the person rule, per query | stranger faces passing the face bar, per query | queries with any |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int size in sizes)
        {
            var random = new Random(17);
            float bar = rule.FaceBar(size);
            long peoplePassing = 0, facesPassing = 0;
            var touched = new bool[queries.Count];
            var sum = new float[FaceEmbedder.Dimensions];
            for (int made = 0; made < size;)
            {
                var centre = sampler.Next(random);
                double noise = 0.026 + 0.008 * random.NextDouble();
                int count = Math.Min(size - made, random.NextDouble() < 0.4 ? 1 : 2 + (int)(3 / Math.Pow(random.NextDouble() + 1e-9, 0.8)));
                var faces = Enumerable.Range(0, count).Select(_ => SyntheticFaces.Face(random, centre, noise)).ToList();
                made += count;
                Array.Clear(sum);
                foreach (var f in faces) TensorPrimitives.Add(sum, f, sum);
                for (int q = 0; q < queries.Count; q++)
                {
                    var e = queries[q].Embedding;
                    bool passes = count >= MinPersonFaces && TensorPrimitives.Dot(e, sum) / count >= rule.PersonBar(count, size);
                    int alike = 0;
                    if (!passes) foreach (var f in faces) if (TensorPrimitives.Dot(e, f) >= bar) alike++;
                    peoplePassing += passes ? 1 : 0;
                    facesPassing += alike;
                    touched[q] |= passes || alike > 0;
                }
            }
            Console.WriteLine($"| {size:N0} faces | {bar:F3} | {peoplePassing / (double)queries.Count:F3} | {facesPassing / (double)queries.Count:F3} | {touched.Count(t => t)} of {queries.Count} |");
        }
    }

    /// <summary>Every pair of labelled faces of different people: the similarities of those at least <paramref name="min"/> alike, and how many pairs there are.</summary>
    static (List<float> Similar, long Pairs) StrangerPairs(List<(string Identity, FaceRecord Face)> labelled, float min)
    {
        var similar = new List<float>();
        long pairs = 0;
        for (int i = 0; i < labelled.Count; i++)
            for (int j = i + 1; j < labelled.Count; j++)
            {
                if (labelled[i].Identity == labelled[j].Identity) continue;
                pairs++;
                float s = TensorPrimitives.Dot(labelled[i].Face.Embedding!, labelled[j].Face.Embedding!);
                if (s >= min) similar.Add(s);
            }
        return (similar, pairs);
    }

    /// <summary>
    /// What real strangers would do at each size, where synthetic ones cannot tell (their tail is far lighter than
    /// LFW's: --tail). From LFW itself: how often a stranger face reaches a similarity (all pairs of labelled faces of
    /// different people) and how often a query's average over a stranger's faces comes within a margin of the person
    /// rule (every LFW person of 2 faces or more that is not the query's, as if clustered perfectly), each tail
    /// extended log-linearly past what 9,525 faces can show. A catalog of N faces is taken to hold LFW's mix: its
    /// people per face and faces per person.
    /// </summary>
    static void Project(List<(string Identity, FaceRecord Face)> labelled, List<Query> queries, int[] sizes, Identification rule)
    {
        var (strangerPairs, pairs) = StrangerPairs(labelled, 0.3f);
        var queried = queries.Select(q => q.PhotoId).ToHashSet();
        var people = labelled.Where(l => !queried.Contains(l.Face.Photo.Id)).GroupBy(l => l.Identity).Where(g => g.Count() >= MinPersonFaces)
            .Select(g => (Identity: g.Key, Faces: g.Select(l => l.Face.Embedding!).ToList())).ToList();
        var margins = new List<float>();
        long tests = 0;
        foreach (var q in queries)
            foreach (var p in people)
            {
                if (p.Identity == q.Identity) continue;
                tests++;
                float mean = p.Faces.Average(f => TensorPrimitives.Dot(q.Embedding, f));
                margins.Add(mean - rule.PersonBar(p.Faces.Count, rule.ReferenceFaces));
            }
        var faceTail = new StrangerTail(strangerPairs, pairs);
        var personTail = new StrangerTail(margins, tests);
        double peoplePerFace = people.Count / (double)labelled.Count, facesPerPerson = people.Average(p => p.Faces.Count);
        Console.WriteLine();
        Console.WriteLine($"Projected from LFW's own stranger tails ({pairs:N0} stranger pairs, {tests:N0} query-stranger person tests; " +
            $"{peoplePerFace:F3} people of 2+ faces per face, {facesPerPerson:F1} faces each):");
        Console.WriteLine();
        Console.WriteLine("| catalog | person bar rise | face bar | stranger people recognised, per query | stranger faces over the face bar, per query | stranger photos per query | the same with bars that do not rise |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int size in sizes)
        {
            double Photos(float personRise, float faceBar) =>
                size * peoplePerFace * personTail.Rate(personRise) * facesPerPerson + size * faceTail.Rate(faceBar);
            float rise = rule.PersonRisePerDecade * rule.Decades(size), bar = rule.FaceBar(size);
            double strangerPeople = size * peoplePerFace * personTail.Rate(rise), strangerFaces = size * faceTail.Rate(bar);
            Console.WriteLine($"| {size:N0} faces | +{rise:F3} | {bar:F3} | {strangerPeople:F3} | {strangerFaces:F3} | {Photos(rise, bar):F2} | {Photos(0, rule.FaceThreshold):F2} |");
        }
    }

    /// <summary>
    /// How often a value reaches a level, from samples of it; past the 20th highest sample, where counts are too few,
    /// extended log-linearly with the fall over the 0.08 below that point.
    /// </summary>
    sealed class StrangerTail
    {
        readonly float[] _descending;
        readonly long _trials;

        public StrangerTail(List<float> samples, long trials)
        {
            _descending = samples.OrderDescending().ToArray();
            _trials = trials;
        }

        double Observed(float level) => _descending.Count(v => v >= level) / (double)_trials;

        public double Rate(float level)
        {
            const int Reliable = 20;
            const float Span = 0.08f;
            if (_descending.Length < Reliable) return 0;
            float edge = _descending[Reliable - 1];
            if (level <= edge) return Observed(level);
            double atEdge = Observed(edge), below = Observed(edge - Span);
            return atEdge * Math.Pow(atEdge / below, (level - edge) / Span);
        }
    }

    /// <summary>Clustering makes a person of 2 faces or more; a lone stranger can only pass the face bar.</summary>
    const int MinPersonFaces = 2;

    static T[] Values<T>(string[] args, string name, Func<string, T> parse, T[] fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => a.Length == 0 ? [] : a.Split(',').Select(parse).ToArray()).FirstOrDefault(fallback);

    /// <summary>PERSON:PENALTY:FACE[:PERSON_RISE:FACE_RISE[:REFERENCE_FACES]], e.g. 0.38:0.10:0.50:0.05:0.07:30000.</summary>
    static Identification Setting(string text)
    {
        var v = text.Split(':').Select(x => float.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var d = Identification.Default;
        return new Identification
        {
            PersonThreshold = v[0], SmallPersonPenalty = v[1], FaceThreshold = v[2],
            PersonRisePerDecade = v.Length > 3 ? v[3] : d.PersonRisePerDecade, FaceRisePerDecade = v.Length > 4 ? v[4] : d.FaceRisePerDecade,
            ReferenceFaces = v.Length > 5 ? (int)v[5] : d.ReferenceFaces,
        };
    }
}
