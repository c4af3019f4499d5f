using System.Diagnostics;
using System.Globalization;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vectors;

namespace FaceAtlas.Bench;

/// <summary>Clustering quality on an indexed LFW catalog, for choosing the algorithm's settings.</summary>
internal static class ClusterQuality
{
    /// <summary>
    /// People LFW files under two names (spellings or transliterations of one name): with --aliases they count as one
    /// identity, to show how much of the measured error is the labels'. The official figures do not use this.
    /// </summary>
    static readonly Dictionary<string, string> Aliases = new()
    {
        ["Dai_Chul_Chyung"] = "Chyung_Dai-chul",
        ["Wang_Nan"] = "Nan_Wang",
        ["Joseph_Blatter"] = "Sepp_Blatter",
        ["Prince_Felipe"] = "Felipe_De_Borbon",
        ["William_Pryor_Jr"] = "Bill_Pryor",
        ["John_Gruden"] = "Jon_Gruden",
        ["Odai_Hussein"] = "Uday_Hussein",
    };

    public static int Run(string catalogPath, string[] args)
    {
        using var catalog = SqliteCatalog.Open(catalogPath, create: false);
        var faces = catalog.Faces(withEmbeddings: true).ToList();
        var grid = Grid(args, [(0.38f, 0.14f), (0.38f, 0.18f), (0.40f, 0.14f), (0.36f, 0.20f)]);
        bool allOnly = args.Contains("--all-only");
        // The labelled face of each photo, as `faceatlas eval` picks it; its identity is the folder's name.
        bool aliases = args.Contains("--aliases");
        var central = LabelledFaces.Pick(faces).ToDictionary(x => x.Face.Id, x => aliases ? Aliases.GetValueOrDefault(x.Identity, x.Identity) : x.Identity);
        var photosPerIdentity = central.Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

        foreach (var (name, minPhotos) in new[] { ("all lfw-dev", 1), ("people with >= 5 photos", 5) })
        {
            if (allOnly && minPhotos > 1) continue;
            var subset = faces.Where(f => central.TryGetValue(f.Id, out var id) ? photosPerIdentity[id] >= minPhotos
                : faces.Any(o => o.Photo.Id == f.Photo.Id && central.TryGetValue(o.Id, out var oid) && photosPerIdentity[oid] >= minPhotos)).ToList();
            var input = subset.Select(f => new ClusterFace(f.Id, f.Photo.Id, f.Embedding!)).ToList();
            // Diagnostic: how far each labelled face is from its identity's mean (leave-one-out).
            var labelled = subset.Where(f => central.ContainsKey(f.Id)).ToList();
            var sums = labelled.GroupBy(f => central[f.Id]).ToDictionary(g => g.Key, g =>
            {
                var sum = new float[512];
                foreach (var f in g) System.Numerics.Tensors.TensorPrimitives.Add(sum, f.Embedding!, sum);
                return (Sum: sum, Count: g.Count());
            });
            var loo = labelled.Where(f => sums[central[f.Id]].Count > 1).Select(f =>
            {
                var (sum, count) = sums[central[f.Id]];
                var rest = new float[512];
                System.Numerics.Tensors.TensorPrimitives.Subtract(sum, f.Embedding!, rest);
                return System.Numerics.Tensors.TensorPrimitives.Dot(rest, f.Embedding!) / (count - 1);
            }).ToList();
            Console.WriteLine($"  faces with mean similarity to the rest of their identity < 0.38: {loo.Count(x => x < 0.38)} / {loo.Count}; < 0.30: {loo.Count(x => x < 0.30)}; < 0.2: {loo.Count(x => x < 0.2)}");
            var watch = Stopwatch.StartNew();
            var edges = NeighbourGraph.Exact(input.Select(f => f.Embedding).ToList(), 30, 0.2f);
            Console.WriteLine($"{name}: {subset.Count} faces, {edges.Count} edges in {watch.ElapsedMilliseconds} ms");
            if (args.Contains("--twos"))
            {
                TwoPhotoStudy(subset, central, edges);
                continue;
            }
            if (args.Contains("--pairs"))
            {
                PairStudy(subset, central);
                continue;
            }
            foreach (var (t, pen) in grid)
            {
                watch.Restart();
                var labels = new AverageLinkage(input).Run(edges, t, pen);
                var items = Labelled(subset, central, labels);
                var r = ClusteringReport.Of(items);
                if (args.Contains("--loss")) LossBySize(items);
                if (args.Contains("--mixed"))
                    foreach (var g in items.GroupBy(i => i.Item2).Where(g => g.Select(x => x.Item1).Distinct().Count() > 1).Take(40))
                        Console.WriteLine($"    mixed: {string.Join(" + ", g.GroupBy(x => x.Item1).Select(x => $"{x.Key}x{x.Count()} (male {Maleness(subset, central, x.Key):F2})"))}");
                if (args.Contains("--splits"))
                    foreach (var g in items.GroupBy(i => i.Item1).Where(g => g.Count() >= 10))
                    {
                        var parts = g.GroupBy(i => i.Item2).Select(p => p.Count()).OrderByDescending(c => c).ToList();
                        if (parts.Count > 1) Console.WriteLine($"    {g.Key}: {string.Join("+", parts)}");
                    }
                Console.WriteLine($"  t={t:F2} p={pen:F2}: BCubed P {r.BCubed.Precision:F4} R {r.BCubed.Recall:F4} F {r.BCubed.F:F4} | pairwise P {r.Pairwise.Precision:F4} R {r.Pairwise.Recall:F4} F {r.Pairwise.F:F4} | clusters {r.Clusters} / {r.Identities} ({watch.ElapsedMilliseconds} ms)");
                // Poor faces may not seed a person: a group none of whose faces reaches quality q is no person.
                if (t == 0.38f && pen == 0.14f && !allOnly)
                    foreach (float q in new[] { 0.2f, 0.3f, 0.4f, 0.5f })
                    {
                        var good = labels.Select((l, i) => (l, i)).Where(x => subset[x.i].Attributes is not { } a || a.Quality >= q)
                            .Select(x => x.l).ToHashSet();
                        var gated = subset.Select((f, i) => (f, i)).Where(x => central.ContainsKey(x.f.Id))
                            .Select(x => (central[x.f.Id], good.Contains(labels[x.i]) ? (long)labels[x.i] : -1L - x.i)).ToList();
                        var g = ClusteringReport.Of(gated);
                        int poor = subset.Count(f => f.Attributes is { } a && a.Quality < q);
                        Console.WriteLine($"    poor faces (quality < {q:F1}, {poor} of {subset.Count}) seed no person: BCubed P {g.BCubed.Precision:F4} R {g.BCubed.Recall:F4} F {g.BCubed.F:F4} | pairwise F {g.Pairwise.F:F4}");
                    }
            }
        }
        return 0;
    }

    /// <summary>
    /// Do the attributes tell same-person pairs from look-alike strangers at the similarities the size rule decides?
    /// Every pair of labelled faces with similarity 0.30-0.60, by band: medians and counts of what could separate them.
    /// </summary>
    static void PairStudy(List<FaceRecord> subset, Dictionary<long, string> central)
    {
        var labelled = subset.Where(f => central.ContainsKey(f.Id) && f.Attributes is not null).ToList();
        var pairs = new System.Collections.Concurrent.ConcurrentBag<Pair>();
        Parallel.For(0, labelled.Count, i =>
        {
            for (int j = i + 1; j < labelled.Count; j++)
            {
                float s = System.Numerics.Tensors.TensorPrimitives.Dot(labelled[i].Embedding!, labelled[j].Embedding!);
                if (s < 0.30f || s >= 0.60f) continue;
                var (a, b) = (labelled[i].Attributes!, labelled[j].Attributes!);
                pairs.Add(new Pair(central[labelled[i].Id] == central[labelled[j].Id], s, Math.Min(a.Quality, b.Quality),
                    Math.Abs(a.Pose.Yaw - b.Pose.Yaw), a.Gender == b.Gender));
            }
        });
        foreach (var (lo, hi) in new[] { (0.30f, 0.38f), (0.38f, 0.45f), (0.45f, 0.52f), (0.52f, 0.60f) })
        {
            var band = pairs.Where(p => p.Similarity >= lo && p.Similarity < hi).ToList();
            Console.WriteLine($"  similarity {lo:F2}-{hi:F2}: {band.Count(p => p.Same)} same-person pairs, {band.Count(p => !p.Same)} strangers");
            foreach (var same in new[] { true, false })
            {
                var group = band.Where(p => p.Same == same).ToList();
                if (group.Count == 0) continue;
                Console.WriteLine($"    {(same ? "same person" : "strangers  ")}: median yaw difference {Median(group.Select(p => p.YawDifference)):F1}, " +
                                  $"gender agrees {group.Count(p => p.GenderAgrees) / (double)group.Count:P0}, median poorer quality {Median(group.Select(p => p.PoorerQuality)):F2}, " +
                                  $"poorer quality < 0.4: {group.Count(p => p.PoorerQuality < 0.4f)}");
            }
        }
    }

    /// <summary>--grid T:P,T:P...: the (threshold, size rule) settings to run instead of <paramref name="usual"/>.</summary>
    internal static (float Threshold, float SizeRule)[] Grid(string[] args, (float, float)[] usual) =>
        args.SkipWhile(a => a != "--grid").Skip(1)
            .Select(g => g.Split(',').Select(x => x.Split(':'))
                .Select(x => (float.Parse(x[0], CultureInfo.InvariantCulture), float.Parse(x[1], CultureInfo.InvariantCulture))).ToArray())
            .FirstOrDefault(usual);

    /// <summary>(identity, cluster) of each labelled face, the clusters being <paramref name="labels"/> (one per face of <paramref name="faces"/>).</summary>
    internal static List<(string Identity, long Cluster)> Labelled(List<FaceRecord> faces, Dictionary<long, string> central, int[] labels) =>
        faces.Select((f, i) => (f, i)).Where(x => central.ContainsKey(x.f.Id)).Select(x => (central[x.f.Id], (long)labels[x.i])).ToList();

    /// <summary>
    /// Can any rule on similarities join a person seen twice? Per identity with two photos: whether the pair is less
    /// similar than one of its faces is to its most similar labelled stranger (from the neighbour graph's edges), in
    /// which case any rule that joins the pair would join that stranger sooner.
    /// </summary>
    static void TwoPhotoStudy(List<FaceRecord> subset, Dictionary<long, string> central, IReadOnlyList<FaceEdge> edges)
    {
        string? Identity(int i) => central.GetValueOrDefault(subset[i].Id);
        var nearestStranger = new float[subset.Count];
        foreach (var e in edges)
            if (Identity(e.A) is { } a && Identity(e.B) is { } b && a != b)
            {
                nearestStranger[e.A] = Math.Max(nearestStranger[e.A], e.Similarity);
                nearestStranger[e.B] = Math.Max(nearestStranger[e.B], e.Similarity);
            }
        var twos = Enumerable.Range(0, subset.Count).Where(i => Identity(i) is not null).GroupBy(i => Identity(i)).Where(g => g.Count() == 2).ToList();
        var pairs = twos.Select(g => (A: g.First(), B: g.Last()))
            .Select(p => (p.A, p.B, Similarity: System.Numerics.Tensors.TensorPrimitives.Dot(subset[p.A].Embedding!, subset[p.B].Embedding!))).ToList();
        Console.WriteLine($"  identities with two photos: {pairs.Count}; their pair under 0.52 (what two lone faces need): {pairs.Count(p => p.Similarity < 0.52f)}; " +
                          $"less similar than one of the two is to a stranger: {pairs.Count(p => p.Similarity < Math.Max(nearestStranger[p.A], nearestStranger[p.B]))}");
    }

    /// <summary>
    /// Where BCubed loses, by how many photos the identity has: each face's shortfall from a perfect recall and
    /// precision, summed (in faces), so that the buckets add up to what F lacks.
    /// </summary>
    static void LossBySize(List<(string Identity, long Cluster)> items)
    {
        var clusters = items.GroupBy(x => x.Cluster).ToDictionary(g => g.Key, g => g.ToList());
        var sizes = items.GroupBy(x => x.Identity).ToDictionary(g => g.Key, g => g.Count());
        foreach (var bucket in items.GroupBy(x => Math.Min(sizes[x.Identity], 10)).OrderBy(g => g.Key))
        {
            double recall = 0, precision = 0;
            foreach (var x in bucket)
            {
                int together = clusters[x.Cluster].Count(y => y.Identity == x.Identity);
                recall += 1 - together / (double)sizes[x.Identity];
                precision += 1 - together / (double)clusters[x.Cluster].Count;
            }
            Console.WriteLine($"    identities of {bucket.Key}{(bucket.Key == 10 ? "+" : "")} photos: {bucket.Count()} faces, recall loss {recall:F1}, precision loss {precision:F1}");
        }
    }

    sealed record Pair(bool Same, float Similarity, float PoorerQuality, float YawDifference, bool GenderAgrees);

    static float Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The mean estimated maleness of an identity's labelled faces (NaN without attributes).</summary>
    static float Maleness(List<FaceRecord> faces, Dictionary<long, string> central, string identity)
    {
        var values = faces.Where(f => central.GetValueOrDefault(f.Id) == identity && f.Attributes is not null).Select(f => f.Attributes!.Maleness).ToList();
        return values.Count == 0 ? float.NaN : values.Average();
    }
}
