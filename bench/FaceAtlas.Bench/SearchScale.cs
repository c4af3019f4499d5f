using System.Diagnostics;
using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Search;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Bench;

/// <summary>
/// Search by a query face at 10k, 100k and 1M faces, four ways side by side: exact brute force (SIMD), the
/// original approach's cluster-by-cluster linear scan, attribute-partitioned search (only the query's predicted
/// gender and age bucket), and the HNSW index. The faces are the real LFW ones of a catalog (with their estimated
/// attributes) plus synthetic ones made like them: each synthetic identity's centre is drawn from a Gaussian with
/// the mean and covariance of LFW's identity means (so strangers are as alike as LFW's strangers are), its faces
/// spread about it as LFW's are about theirs, its attributes those of a random LFW person, mispredicted per face as
/// often as on LFW. Queries are held-out real faces and new faces of synthetic identities; truth is exact float
/// search over the same faces.
/// </summary>
internal static class SearchScale
{
    const int Dims = 512;

    public static int Run(string catalogPath, string[] args)
    {
        int queries = args.SkipWhile(a => a != "--queries").Skip(1).Select(int.Parse).FirstOrDefault(200);
        var efs = args.SkipWhile(a => a != "--ef").Skip(1).Select(a => a.Split(',').Select(int.Parse).ToArray()).FirstOrDefault([SearchIndex.DefaultEf]);
        // --index FILE: load the index from FILE when it is there (else build it and save it there), so that search
        // changes can be measured on one graph; --hnsw-only: skip the two slow strategies.
        string? indexFile = args.SkipWhile(a => a != "--index").Skip(1).FirstOrDefault();
        bool hnswOnly = args.Contains("--hnsw-only");
        bool usearch = !args.Contains("--no-usearch");
        // --usearch-only: USearch without our index (a 1M build of each takes long; compare with a run of ours).
        bool usearchOnly = args.Contains("--usearch-only");
        // --usearch-kinds Int8,Float16 (the default): which of USearch's stored scalar kinds to measure.
        var usearchKinds = args.SkipWhile(a => a != "--usearch-kinds").Skip(1)
            .Select(a => a.Split(',').Select(Enum.Parse<Cloud.Unum.USearch.ScalarKind>).ToArray())
            .FirstOrDefault([Cloud.Unum.USearch.ScalarKind.Int8, Cloud.Unum.USearch.ScalarKind.Float16]);
        // --pages: only the index, loaded twice (on 4 KB pages and on 2 MB pages), the queries alternating between the two.
        bool comparePages = args.Contains("--pages");
        // --ivf CELLS[,CELLS]: only how much of the faces an inverted file of that many cells must scan for a recall@10.
        int[]? ivfCells = args.SkipWhile(a => a != "--ivf").Skip(1).Select(a => a.Split(',').Select(int.Parse).ToArray()).FirstOrDefault();
        args = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || !args[i - 1].StartsWith("--") || args[i - 1] is "--hnsw-only" or "--pages" or "--no-usearch")).ToArray();
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000];

        var real = RealFaces(catalogPath);
        Console.WriteLine($"real faces: {real.Count:N0} from {catalogPath}");
        foreach (int n in sizes)
        {
            var data = Dataset.Make(real, n, queries, seed: 11);
            Console.WriteLine();
            Console.WriteLine($"## {n:N0} faces ({data.Faces.Count:N0} in the index, {data.Queries.Count} queries; stranger similarity mean {data.StrangerMean:F3}, sd {data.StrangerSd:F3}; same-person {data.SameMean:F3})");
            if (comparePages)
            {
                ComparePages(data, indexFile ?? throw new ArgumentException("--pages needs --index FILE"), efs);
                continue;
            }
            var truth10 = new List<long[]>();
            var truth100 = new List<long[]>();
            var exact = new ExactSearch(data.Faces);
            foreach (var q in data.Queries)
            {
                truth100.Add(exact.Top(q.Embedding, 100).Select(m => m.Face).ToArray());
                truth10.Add(truth100[^1].Take(10).ToArray());
            }
            if (ivfCells is not null)
            {
                foreach (var cells in ivfCells) IvfCoverage(data, truth10, cells);
                continue;
            }
            // The product's question: of the query person's faces that exact search puts above the same-person
            // threshold, how many does a strategy return (in its top 100)?
            var identityOfFace = new Dictionary<long, int>(data.Faces.Count);
            for (int i = 0; i < data.Faces.Count; i++) identityOfFace[data.Faces[i].Id] = data.Identities[i];
            var personTruth = data.Queries.Select((q, i) => exact.Top(q.Embedding, 100)
                .Where(m => m.Similarity >= FaceEmbedder.SamePersonThreshold && identityOfFace[m.Face] == q.Identity).Select(m => m.Face).ToHashSet()).ToList();
            Console.WriteLine("| strategy | build | memory (MB) | bytes/face | p50 ms | p99 ms | recall@10 | recall@100 | person recall |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            var rows = new List<(string Name, double P50)>();
            void Report(string name, TimeSpan build, long bytes, Func<float[], int, IReadOnlyList<FaceMatch>> search)
            {
                var (p50, p99, r10) = Measure(data.Queries, q => search(q.Embedding, 10), truth10);
                var found100 = new List<IReadOnlyList<FaceMatch>>();
                var (_, _, r100) = Measure(data.Queries, q => { var f = search(q.Embedding, 100); found100.Add(f); return f; }, truth100);
                found100 = found100.Skip(found100.Count - data.Queries.Count).ToList(); // the warm-up calls came first
                int wanted = personTruth.Sum(t => t.Count);
                int got = personTruth.Select((t, i) => found100[i].Count(m => t.Contains(m.Face))).Sum();
                Console.WriteLine($"| {name} | {build.TotalSeconds:F1} s | {bytes / 1048576.0:F0} | {(double)bytes / data.Faces.Count:F0} | {p50:F3} | {p99:F3} | {r10:F4} | {r100:F4} | {(double)got / Math.Max(1, wanted):F4} |");
                rows.Add((name, p50));
            }
            Report("exact brute force (float32, SIMD)", TimeSpan.Zero, exact.Bytes, exact.Top);
            GC.Collect();

            var watch = Stopwatch.StartNew();
            if (!hnswOnly)
            {
                var clusters = new ClusterScan(data.Faces, data.Identities);
                Report("cluster-by-cluster linear scan (the original approach)", watch.Elapsed, clusters.Bytes, clusters.Top);
                clusters = null;
                GC.Collect();

                watch.Restart();
                var partitions = new PartitionedSearch(data.Faces);
                var queryBuckets = data.Queries.ToDictionary(q => q.Embedding, q => q.Bucket);
                Report("attribute-partitioned (query's gender x age bucket)", watch.Elapsed, partitions.Bytes,
                    (e, k) => partitions.Top(e, queryBuckets[e], k));
                Console.WriteLine($"|   its queries whose own bucket was mispredicted | | | | | | {data.Queries.Count(q => q.Bucket != q.TrueBucket)} of {data.Queries.Count} | | |");
                partitions = null;
            }
            exact = null;
            GC.Collect();

            if (!usearchOnly)
            {
                long before = GC.GetTotalMemory(true);
                watch.Restart();
                var saved = indexFile is not null ? SearchIndex.TryLoad(indexFile) : null;
                if (saved is not null && saved.Count != data.Faces.Count) saved = null;
                var index = saved ?? SearchIndex.Build(data.Faces, "bench", 0);
                var build = watch.Elapsed;
                long indexBytes = GC.GetTotalMemory(true) - before;
                if (saved is not null) Console.WriteLine($"| (index read from {indexFile}: the build column is the time to read it) |");
                else if (indexFile is not null) index.Save(indexFile);
                foreach (int ef in efs)
                    Report($"HNSW, 4-bit walk + residual (M {SearchIndex.Links}, ef {ef})", build, indexBytes, (e, k) => index.Search(e, k, null, Math.Max(ef, k)));
                Report("precise codes, every face (the index's ceiling)", build, indexBytes, (e, k) => index.Scan(e, k));
            }
            // The maintained peer on the same faces and queries: kept in the table so the claim stays checked.
            if (usearch)
                foreach (var kind in usearchKinds)
                    foreach (int ef in efs)
                    {
                        long resident = USearchPeer.ResidentBytes();
                        watch.Restart();
                        using var peer = new USearchPeer(data.Faces, kind, ef, Environment.ProcessorCount);
                        var peerBuild = watch.Elapsed;
                        Report($"USearch 2.26.6, {kind} (M {SearchIndex.Links}, ef {ef}, {peer.BuildThreads} threads to build)", peerBuild,
                            USearchPeer.ResidentBytes() - resident, peer.Top);
                    }
            Console.WriteLine();
            Console.WriteLine("p50 latency against exact brute force: " + string.Join(", ", rows.Skip(1).Select(r => $"{r.Name}: {rows[0].P50 / r.P50:F1}x faster")));
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"peak working set of the run so far: {process.PeakWorkingSet64 / 1048576} MB");
        }
        return 0;
    }

    /// <summary>
    /// The same saved index on 4 KB pages and on 2 MB pages (the index asks for them, see HugePages), each query
    /// run on both, in turn, five times over, so that the machine's drift falls on both alike.
    /// </summary>
    static void ComparePages(Dataset data, string indexFile, int[] efs)
    {
        Environment.SetEnvironmentVariable("FACEATLAS_HUGEPAGES", "0");
        var small = SearchIndex.TryLoad(indexFile) ?? throw new InvalidDataException($"no index in {indexFile}");
        Environment.SetEnvironmentVariable("FACEATLAS_HUGEPAGES", null);
        var huge = SearchIndex.TryLoad(indexFile)!;
        Console.WriteLine($"(both read from {indexFile}; the process holds {HugePageKilobytes() / 1024:N0} MB on 2 MB pages)");
        Console.WriteLine("| ef | 4 KB pages p50 ms | p99 ms | 2 MB pages p50 ms | p99 ms | p50 ratio |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int ef in efs)
        {
            var times = (Small: new List<double>(), Huge: new List<double>());
            foreach (var q in data.Queries.Take(5)) { small.Search(q.Embedding, 10, null, ef); huge.Search(q.Embedding, 10, null, ef); }
            for (int round = 0; round < 5; round++)
                for (int i = 0; i < data.Queries.Count; i++)
                    for (int turn = 0; turn < 2; turn++)
                    {
                        // Which goes first alternates: a search leaves the caches warm for what runs next.
                        bool onHuge = ((i + round + turn) & 1) == 1;
                        long start = Stopwatch.GetTimestamp();
                        (onHuge ? huge : small).Search(data.Queries[i].Embedding, 10, null, ef);
                        (onHuge ? times.Huge : times.Small).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
            times.Small.Sort();
            times.Huge.Sort();
            double P(List<double> t, double at) => t[Math.Min(t.Count - 1, (int)(t.Count * at))];
            Console.WriteLine($"| {ef} | {P(times.Small, 0.5):F3} | {P(times.Small, 0.99):F3} | {P(times.Huge, 0.5):F3} | {P(times.Huge, 0.99):F3} | {P(times.Small, 0.5) / P(times.Huge, 0.5):F2}x |");
        }
    }

    /// <summary>What the kernel says this process holds on transparent huge pages (0 where it cannot tell).</summary>
    static long HugePageKilobytes()
    {
        const string rollup = "/proc/self/smaps_rollup";
        if (!File.Exists(rollup)) return 0;
        var line = File.ReadLines(rollup).FirstOrDefault(l => l.StartsWith("AnonHugePages:"));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>
    /// Could an inverted file beat the graph? Spherical k-means (8 rounds on 24 sampled faces a cell) puts every face
    /// in a cell; a query scans the cells whose centres are most like it, best first. Reported: recall@10 when the
    /// scanned cells hold a given share of the faces, scoring them exactly (an upper bound on what the file finds).
    /// </summary>
    static void IvfCoverage(Dataset data, List<long[]> truth10, int cells)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(5);
        var sample = Enumerable.Range(0, Math.Min(data.Faces.Count, cells * 24)).Select(_ => data.Faces[random.Next(data.Faces.Count)].Embedding).ToList();
        var centroids = sample.OrderBy(_ => random.Next()).Take(cells).Select(v => (float[])v.Clone()).ToArray();
        int[] Assign(IReadOnlyList<float[]> vectors)
        {
            var of = new int[vectors.Count];
            Parallel.For(0, vectors.Count, i =>
            {
                int best = 0; float bs = float.MinValue;
                for (int c = 0; c < centroids.Length; c++)
                {
                    float sim = TensorPrimitives.Dot(vectors[i], centroids[c]);
                    if (sim > bs) { bs = sim; best = c; }
                }
                of[i] = best;
            });
            return of;
        }
        for (int iteration = 0; iteration < 8; iteration++)
        {
            var of = Assign(sample);
            var sums = new float[cells][];
            for (int c = 0; c < cells; c++) sums[c] = new float[Dims];
            for (int i = 0; i < sample.Count; i++) TensorPrimitives.Add(sums[of[i]], sample[i], sums[of[i]]);
            for (int c = 0; c < cells; c++)
            {
                float norm = TensorPrimitives.Norm(sums[c]);
                if (norm > 0) { TensorPrimitives.Divide(sums[c], norm, sums[c]); centroids[c] = sums[c]; }
                else centroids[c] = (float[])sample[random.Next(sample.Count)].Clone();
            }
        }
        var cellOf = Assign(data.Faces.Select(f => f.Embedding).ToList());
        var sizes = new int[cells];
        foreach (var c in cellOf) sizes[c]++;
        var indexOf = new Dictionary<long, int>(data.Faces.Count);
        for (int i = 0; i < data.Faces.Count; i++) indexOf[data.Faces[i].Id] = i;
        Console.WriteLine($"IVF {cells} cells: trained and assigned in {watch.Elapsed.TotalSeconds:F0} s; largest cell {sizes.Max()}, mean {sizes.Average():F0}");
        double[] budgets = [0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12];
        var recall = new double[budgets.Length];
        for (int q = 0; q < data.Queries.Count; q++)
        {
            var sims = centroids.Select((c, i) => (Sim: TensorPrimitives.Dot(data.Queries[q].Embedding, c), Cell: i)).OrderByDescending(x => x.Sim).ToList();
            var rankOfCell = new int[cells];
            var scannedBefore = new long[cells + 1];
            for (int r = 0; r < cells; r++) { rankOfCell[sims[r].Cell] = r; scannedBefore[r + 1] = scannedBefore[r] + sizes[sims[r].Cell]; }
            // The faces scanned up to and including each true neighbour's cell.
            var needed = truth10[q].Select(id => scannedBefore[rankOfCell[cellOf[indexOf[id]]] + 1]).ToArray();
            for (int b = 0; b < budgets.Length; b++)
                recall[b] += needed.Count(n => n <= budgets[b] * data.Faces.Count) / (double)needed.Length;
        }
        Console.WriteLine("| share of faces scanned | " + string.Join(" | ", budgets.Select(b => $"{b:P1}")) + " |");
        Console.WriteLine("| recall@10 | " + string.Join(" | ", recall.Select(r => $"{r / data.Queries.Count:F4}")) + " |");
    }

    static (double P50, double P99, double Recall) Measure(IReadOnlyList<Query> queries, Func<Query, IReadOnlyList<FaceMatch>> search, List<long[]> truth)
    {
        foreach (var q in queries.Take(5)) search(q); // warm up
        var times = new List<double>(queries.Count);
        double recall = 0;
        for (int i = 0; i < queries.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var found = search(queries[i]);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var want = truth[i];
            recall += (double)found.Count(m => want.Contains(m.Face)) / want.Length;
        }
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], recall / queries.Count);
    }

    /// <summary>Real faces with an embedding and attributes, labelled by their photo's folder (the person).</summary>
    static List<(FaceVector Face, string Person)> RealFaces(string catalogPath)
    {
        using var catalog = SqliteCatalog.Open(catalogPath, create: false);
        var personOf = catalog.Faces(withEmbeddings: false).ToDictionary(f => f.Id, f => Path.GetFileName(Path.GetDirectoryName(f.Photo.Path))!);
        return catalog.FaceVectors().Where(v => v.Attributes is not null).Select(v => (v, personOf[v.Id])).ToList();
    }

    /// <summary>Predicted gender and age bucket (under 30, 30-44, 45-59, 60 and over): 8 partitions.</summary>
    static int BucketOf(FaceAttributes a) => (a.Gender == Gender.Male ? 4 : 0) + (a.Age < 30 ? 0 : a.Age < 45 ? 1 : a.Age < 60 ? 2 : 3);

    sealed record Query(float[] Embedding, int Bucket, int TrueBucket, int Identity);

    sealed record Dataset(List<FaceVector> Faces, List<int> Identities, List<Query> Queries, double StrangerMean, double StrangerSd, double SameMean)
    {
        public static Dataset Make(List<(FaceVector Face, string Person)> real, int n, int queryCount, int seed)
        {
            var random = new Random(seed);
            var people = real.GroupBy(r => r.Person).Select(g => g.ToList()).ToList();
            // Real queries: one face each of people with at least 2, held out of the index.
            var personNumber = people.Select((p, i) => (p[0].Person, i)).ToDictionary(x => x.Person, x => x.i);
            var heldOut = people.Where(p => p.Count >= 2).OrderBy(_ => random.Next()).Take(queryCount / 2).Select(p => p[0].Face).ToList();
            var held = heldOut.Select(f => f.Id).ToHashSet();
            var kept = real.Where(r => !held.Contains(r.Face.Id)).Take(n).ToList();
            var faces = kept.Select(r => r.Face).ToList();
            var identities = kept.Select(r => personNumber[r.Person]).ToList();
            int nextIdentity = people.Count;
            var identityOf = real.ToDictionary(r => r.Face.Id, r => r.Person);
            var queries = heldOut.Select(f => new Query(f.Embedding, BucketOf(f.Attributes!), BucketOf(f.Attributes!), personNumber[identityOf[f.Id]])).ToList();

            // What LFW says about attribute errors: how far a face's age is from its person's median, how often its
            // gender differs from the person's majority.
            var ageResiduals = new List<float>();
            int genderFlips = 0, counted = 0;
            foreach (var p in people.Where(p => p.Count >= 5))
            {
                var ages = p.Select(x => x.Face.Attributes!.Age).Order().ToList();
                ageResiduals.AddRange(p.Select(x => x.Face.Attributes!.Age - ages[ages.Count / 2]));
                int males = p.Count(x => x.Face.Attributes!.Gender == Gender.Male);
                genderFlips += Math.Min(males, p.Count - males);
                counted += p.Count;
            }
            double flipRate = (double)genderFlips / counted;
            var means = people.Select(p => (Mean: SyntheticFaces.Mean(p.Select(x => x.Face.Embedding)), Male: p.Count(x => x.Face.Attributes!.Gender == Gender.Male) * 2 >= p.Count,
                Age: p.Select(x => x.Face.Attributes!.Age).Order().ElementAt(p.Count / 2))).ToList();

            var centres = new SyntheticFaces.IdentitySampler(means.Select(m => m.Mean).ToList());
            long nextId = real.Max(r => r.Face.Id) + 1;
            var synthetic = new List<(float[] Centre, bool Male, float Age, double Noise, int Identity)>();
            while (faces.Count < n)
            {
                var basis = means[random.Next(means.Count)];
                var centre = centres.Next(random);
                double noise = 0.026 + 0.008 * random.NextDouble();
                var identity = (centre, basis.Male, basis.Age, noise, nextIdentity);
                int count = random.NextDouble() < 0.4 ? 1 : 2 + (int)(3 / Math.Pow(random.NextDouble() + 1e-9, 0.8));
                for (int i = 0; i < count && faces.Count < n; i++, identities.Add(nextIdentity))
                    faces.Add(new FaceVector(nextId++, SyntheticFaces.Face(random, identity.centre, noise), Attributes(random, identity.Male, identity.Age, flipRate, ageResiduals)));
                if (count > 1) synthetic.Add(identity);
                nextIdentity++;
            }
            for (int i = 0; queries.Count < queryCount && synthetic.Count > 0; i++)
            {
                var s = synthetic[random.Next(synthetic.Count)];
                var a = Attributes(random, s.Male, s.Age, flipRate, ageResiduals);
                var truth = new FaceAttributes(s.Age, s.Male ? 1 : 0, default, 1, 1);
                queries.Add(new Query(SyntheticFaces.Face(random, s.Centre, s.Noise), BucketOf(a), BucketOf(truth), s.Identity));
            }

            // Similarity figures of the result, to compare with real LFW's (same-person ~0.7, strangers ~0).
            var stranger = new List<double>();
            for (int i = 0; i < 20000; i++)
                stranger.Add(TensorPrimitives.Dot(faces[random.Next(faces.Count)].Embedding, faces[random.Next(faces.Count)].Embedding));
            double mean = stranger.Average(), sd = Math.Sqrt(stranger.Average(s => (s - mean) * (s - mean)));
            var same = synthetic.Take(200).Select(s => (double)TensorPrimitives.Dot(SyntheticFaces.Face(random, s.Centre, s.Noise), SyntheticFaces.Face(random, s.Centre, s.Noise)));
            return new Dataset(faces, identities, queries, mean, sd, same.DefaultIfEmpty(double.NaN).Average());
        }

        static FaceAttributes Attributes(Random random, bool male, float age, double flipRate, List<float> residuals)
        {
            bool predictedMale = random.NextDouble() < flipRate ? !male : male;
            float predictedAge = Math.Max(1, age + residuals[random.Next(residuals.Count)]);
            return new FaceAttributes(predictedAge, predictedMale ? 1 : 0, default, 1, 1);
        }
    }

    /// <summary>Top-k of a heap of (similarity, face), best first.</summary>
    static List<FaceMatch> Best(PriorityQueue<long, float> heap)
    {
        var list = new List<FaceMatch>(heap.Count);
        while (heap.TryDequeue(out long face, out float s)) list.Add(new FaceMatch(face, s));
        list.Reverse();
        return list;
    }

    static void Offer(PriorityQueue<long, float> heap, int k, long face, float similarity)
    {
        if (heap.Count < k) heap.Enqueue(face, similarity);
        else if (heap.TryPeek(out _, out float worst) && similarity > worst) heap.DequeueEnqueue(face, similarity);
    }

    /// <summary>Every face in one float32 matrix, one SIMD dot product a face.</summary>
    sealed class ExactSearch
    {
        readonly float[] _matrix;
        readonly long[] _ids;

        public ExactSearch(List<FaceVector> faces)
        {
            _matrix = new float[faces.Count * Dims];
            _ids = faces.Select(f => f.Id).ToArray();
            for (int i = 0; i < faces.Count; i++) faces[i].Embedding.CopyTo(_matrix, i * Dims);
        }

        public long Bytes => _matrix.Length * 4L + _ids.Length * 8L;

        public IReadOnlyList<FaceMatch> Top(float[] query, int k)
        {
            var heap = new PriorityQueue<long, float>(k + 1);
            var m = _matrix.AsSpan();
            for (int i = 0; i < _ids.Length; i++)
                Offer(heap, k, _ids[i], TensorPrimitives.Dot(query, m.Slice(i * Dims, Dims)));
            return Best(heap);
        }
    }

    /// <summary>
    /// The original approach: faces kept in their clusters (lists of vectors, as the write-up kept lists of
    /// encodings per cluster folder), the query compared by Euclidean distance with every face, cluster after
    /// cluster (face_recognition's face_distance over each cluster's list). Exhaustive, so its recall is 1: what it
    /// costs is time. Clusters here are the true identities, the best clustering that approach could have made.
    /// </summary>
    sealed class ClusterScan(List<FaceVector> faces, List<int> identities)
    {
        readonly List<List<FaceVector>> _clusters = faces.Select((f, i) => (f, i)).GroupBy(x => identities[x.i])
            .Select(g => g.Select(x => x.f).ToList()).ToList();

        public long Bytes => faces.Count * (Dims * 4L + 24 + 8 + 40);

        public IReadOnlyList<FaceMatch> Top(float[] query, int k)
        {
            var heap = new PriorityQueue<long, float>(k + 1);
            foreach (var cluster in _clusters)
                foreach (var face in cluster)
                {
                    float distance = TensorPrimitives.Distance(query, face.Embedding);
                    Offer(heap, k, face.Id, 1 - distance * distance / 2); // unit vectors: cosine from distance
                }
            return Best(heap);
        }
    }

    /// <summary>Faces split by predicted gender and age bucket; a query is compared (exactly) only with its own bucket.</summary>
    sealed class PartitionedSearch
    {
        readonly ExactSearch[] _buckets;
        readonly long _bytes;

        public PartitionedSearch(List<FaceVector> faces)
        {
            var groups = faces.GroupBy(f => BucketOf(f.Attributes!)).ToDictionary(g => g.Key, g => g.ToList());
            _buckets = Enumerable.Range(0, 8).Select(b => new ExactSearch(groups.GetValueOrDefault(b) ?? [])).ToArray();
            _bytes = _buckets.Sum(b => b.Bytes);
        }

        public long Bytes => _bytes;

        public IReadOnlyList<FaceMatch> Top(float[] query, int bucket, int k) => _buckets[bucket].Top(query, k);
    }
}
