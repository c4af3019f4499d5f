using System.Diagnostics;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Bench;

/// <summary>
/// <c>pose [--lfw N]</c>: head pose from the 68 landmarks (<see cref="LandmarkPose"/>, what indexing uses) beside the
/// 224x224 pose network it replaced (<see cref="HeadPoseNetwork"/>), on the same detector boxes of every face of
/// the first N photos of lfw-dev (default all) and of group-photos: how far apart the angles are, whether the
/// frontal filter (search --frontal) and the quality score keep their meaning, and what each costs a face.
/// There is no pose truth in these data sets: the network is the reference being replaced, not the truth.
/// </summary>
internal static class PoseComparison
{
    /// <summary>One face; for lfw-dev, the face at the photo's centre (the one its folder names) also has its person and embedding.</summary>
    sealed record Face(HeadPose Landmarks, HeadPose Network, float Side, float Sharpness, string? Person = null, float[]? Embedding = null);

    public static int Run(string datasets, string[] args)
    {
        int limit = BenchArgs.Option(args, "--lfw", int.MaxValue);
        var models = ModelCatalog.FindDirectory();
        var sessions = ModelSessions.Uncached;
        using var detector = new UltraFaceDetector(Path.Combine(models, ModelCatalog.Detector), sessions);
        using var landmarkModel = new LandmarkModel(Path.Combine(models, ModelCatalog.Landmarks), sessions);
        using var network = new HeadPoseNetwork(models, sessions);
        using var embedder = new FaceEmbedder(Path.Combine(models, ModelCatalog.Embedder), sessions);
        var detection = DetectionOptions.Default;
        var finder = new FaceFinder(detector, detection);
        var landmarkClock = new Stopwatch();
        var networkClock = new Stopwatch();

        List<Face> Faces(IEnumerable<string> files, bool labelled)
        {
            var faces = new List<Face>();
            foreach (var file in files)
            {
                DecodedPhoto photo;
                try
                {
                    photo = PhotoDecoder.Decode(File.ReadAllBytes(file), detection.DetectorMinFace / detection.MinFaceSize, FaceAnalyzer.MinDecodedLongSide, DecodeLimits.Default);
                }
                catch (PhotoDecodeException)
                {
                    continue;
                }
                using (photo)
                {
                    var found = finder.Find(photo.Image, detection.MinFaceSize * photo.Scale);
                    var centre = new System.Numerics.Vector2(photo.Image.Width / 2f, photo.Image.Height / 2f);
                    var central = found.Count == 0 ? default : found.MinBy(d =>
                        System.Numerics.Vector2.Distance(centre, new(d.Box.X + d.Box.Width / 2, d.Box.Y + d.Box.Height / 2)));
                    foreach (var d in found)
                    {
                        var landmarks = landmarkModel.Locate(photo.Image, d.Box);
                        landmarkClock.Start();
                        var fromLandmarks = LandmarkPose.Estimate(landmarks);
                        landmarkClock.Stop();
                        networkClock.Start();
                        var fromNetwork = network.Estimate(photo.Image, d.Box);
                        networkClock.Stop();
                        var crop = AttributeEstimator.SsrCrop(d.Box, photo.Image.Width, photo.Image.Height);
                        ImageNetTensor.Fill(photo.Image, crop, AttributeEstimator.SsrSide, bgr: true,
                            new float[3 * AttributeEstimator.SsrSide * AttributeEstimator.SsrSide], out float variance);
                        bool named = labelled && d == central;
                        faces.Add(new Face(fromLandmarks, fromNetwork, (float)(Math.Max(d.Box.Width, d.Box.Height) / photo.Scale),
                            AttributeEstimator.Sharpness(variance), named ? Path.GetFileName(Path.GetDirectoryName(file)) : null,
                            named ? embedder.Embed(photo.Image, landmarks.Five) : null));
                    }
                }
            }
            return faces;
        }

        var lfw = Directory.GetDirectories(Path.Combine(datasets, "lfw-dev")).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal)).Take(limit);
        var groups = Directory.GetFiles(Path.Combine(datasets, "group-photos"), "*.jpg").Order(StringComparer.Ordinal);
        Console.WriteLine("Head pose from the landmarks beside the pose network, on the same detector boxes (network = reference)");
        Console.WriteLine();
        Console.WriteLine("| data | faces | angle | median \\|difference\\| | 90th percentile | mean difference (landmarks - network) | correlation |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var sets = new[] { ("lfw-dev", Faces(lfw, labelled: true)), ("group-photos", Faces(groups, labelled: false)) };
        foreach (var (name, faces) in sets)
            foreach (var (angle, pick) in new (string, Func<HeadPose, float>)[] { ("yaw", p => p.Yaw), ("pitch", p => p.Pitch), ("roll", p => p.Roll) })
            {
                var a = faces.Select(f => pick(f.Landmarks)).ToArray();
                var b = faces.Select(f => pick(f.Network)).ToArray();
                var difference = a.Zip(b, (x, y) => x - y).ToList();
                Console.WriteLine($"| {name} | {faces.Count} | {angle} | {Statistics.Median(difference.Select(Math.Abs)):F1} | " +
                    $"{Statistics.Percentile(difference.Select(Math.Abs), 0.9):F1} | {difference.Average():F1} | {Correlation(a, b):F3} |");
            }
        Console.WriteLine();
        Console.WriteLine("| data | frontal by both | by the network only | by the landmarks only | by neither | agree | quality: median \\|difference\\| | rank correlation |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, faces) in sets)
        {
            int both = faces.Count(f => f.Landmarks.IsFrontal && f.Network.IsFrontal);
            int networkOnly = faces.Count(f => !f.Landmarks.IsFrontal && f.Network.IsFrontal);
            int landmarksOnly = faces.Count(f => f.Landmarks.IsFrontal && !f.Network.IsFrontal);
            int neither = faces.Count - both - networkOnly - landmarksOnly;
            var qa = faces.Select(f => FaceAttributes.QualityOf(f.Side, f.Landmarks, f.Sharpness)).ToArray();
            var qb = faces.Select(f => FaceAttributes.QualityOf(f.Side, f.Network, f.Sharpness)).ToArray();
            Console.WriteLine($"| {name} | {both} | {networkOnly} | {landmarksOnly} | {neither} | {100.0 * (both + neither) / faces.Count:F1}% | " +
                $"{Statistics.Median(qa.Zip(qb, (x, y) => Math.Abs(x - y))):F3} | {Correlation(Ranks(qa), Ranks(qb)):F3} |");
        }
        Console.WriteLine();
        LikenessToThePerson(sets[0].Item2);
        int count = sets.Sum(s => s.Item2.Count);
        Console.WriteLine();
        Console.WriteLine($"cost a face, one thread: landmarks' fit {landmarkClock.Elapsed.TotalMilliseconds * 1000 / count:F1} us, " +
            $"the network {networkClock.Elapsed.TotalMilliseconds / count:F2} ms (crop and inference)");
        return 0;
    }

    /// <summary>
    /// What quality is for: a face of high quality should look more like its person's other photos than one of low
    /// quality. For lfw-dev people with at least 5 photos: the rank correlation of each face's quality (and of its
    /// pose factor alone) with its likeness to the mean of its person's other faces, with either pose.
    /// </summary>
    static void LikenessToThePerson(List<Face> faces)
    {
        var people = faces.Where(f => f.Embedding is not null).GroupBy(f => f.Person!).Where(g => g.Count() >= 5).ToList();
        var likeness = new List<float>();
        var rows = new List<Face>();
        foreach (var person in people)
        {
            var sum = new float[FaceEmbedder.Dimensions];
            foreach (var f in person) System.Numerics.Tensors.TensorPrimitives.Add(sum, f.Embedding!, sum);
            foreach (var f in person)
            {
                var others = new float[sum.Length];
                System.Numerics.Tensors.TensorPrimitives.Subtract(sum, f.Embedding!, others);
                FaceEmbedder.Normalize(others);
                likeness.Add(FaceEmbedder.Similarity(f.Embedding!, others));
                rows.Add(f);
            }
        }
        if (rows.Count < 10)
        {
            Console.WriteLine("(too few lfw-dev people with 5 photos for the likeness check)");
            return;
        }
        var byLikeness = Ranks(likeness.ToArray());
        static float PoseFactor(HeadPose p) => FaceAttributes.QualityOf(80, p, 1);
        Console.WriteLine($"Likeness to the person ({people.Count} lfw-dev people with >= 5 photos, {rows.Count} faces): rank correlation with");
        Console.WriteLine("| pose from | quality | the pose factor of quality alone | frontal faces' mean likeness - others' |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, pick) in new (string, Func<Face, HeadPose>)[] { ("landmarks", f => f.Landmarks), ("network", f => f.Network) })
        {
            var quality = Ranks(rows.Select(f => FaceAttributes.QualityOf(f.Side, pick(f), f.Sharpness)).ToArray());
            var pose = Ranks(rows.Select(f => PoseFactor(pick(f))).ToArray());
            var frontal = rows.Select((f, i) => (pick(f).IsFrontal, likeness[i])).ToList();
            double gap = frontal.Where(x => x.IsFrontal).Select(x => x.Item2).DefaultIfEmpty().Average()
                - frontal.Where(x => !x.IsFrontal).Select(x => x.Item2).DefaultIfEmpty().Average();
            Console.WriteLine($"| {name} | {Correlation(quality, byLikeness):F3} | {Correlation(pose, byLikeness):F3} | {gap:F3} |");
        }
    }

    static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    static float[] Ranks(float[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new float[values.Length];
        for (int r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return ranks;
    }
}
