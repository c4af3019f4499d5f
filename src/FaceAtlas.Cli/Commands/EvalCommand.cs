using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary>
/// <c>faceatlas eval LABELED_DIR --pairs FILE</c>: indexes a folder-per-person set of photos and measures
/// verification accuracy on labelled pairs, the way docs/QUALITY.md is kept.
/// </summary>
public static class EvalCommand
{
    static readonly Argument<string> Folder = PathArguments.NotEmpty(new Argument<string>("LABELED_DIR") { Description = "Photos in one folder per person" });

    static readonly Option<string?> Pairs = PathArguments.NotEmpty(new Option<string?>("--pairs")
    {
        Description = "An LFW-style pairs file (e.g. ../shared/datasets/lfw-protocol/pairs-dev.txt): also measure verification",
        HelpName = "FILE",
    });

    static readonly Option<int> MinPhotos = new("--min-photos")
    {
        Description = "Only people with at least this many photos (as LFW's 'people with >= 5 photos' set)",
        DefaultValueFactory = _ => 1,
    };

    static readonly Option<double> Threshold = new("--threshold")
    {
        Description = "Similarity threshold to report accuracy at (default: the product's calibrated one)",
        DefaultValueFactory = _ => FaceEmbedder.SamePersonThreshold,
    };

    public static Command Create()
    {
        var command = new Command("eval",
            "Measure clustering (BCubed and pairwise precision/recall/F) and, with --pairs, verification accuracy on photos in one folder per person; indexes and clusters them into the catalog first");
        command.Arguments.Add(Folder);
        command.Options.Add(Pairs);
        command.Options.Add(Threshold);
        command.Options.Add(MinPhotos);
        command.SetAction(RunAsync);
        return command;
    }

    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        var folder = Path.GetFullPath(parse.GetValue(Folder)!);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"no folder {folder}");
        var pairsFile = parse.GetValue(Pairs);
        var pairs = pairsFile is null ? null : PairsFile.Read(pairsFile, folder);
        int minPhotos = parse.GetValue(MinPhotos);
        var roots = Directory.GetDirectories(folder).Where(d => Directory.GetFiles(d).Length >= minPhotos).Order(StringComparer.Ordinal).ToList();

        using (var writer = CatalogAccess.Store(parse).OpenForWriting())
        using (var analyzer = new FaceAnalyzer())
        {
            var catalog = writer.Catalog;
            var progress = new ConsoleProgress(Console.Error, interactive: !Console.IsErrorRedirected);
            var summary = await new PhotoIndexer(catalog, analyzer).RunAsync(roots, progress, cancel);
            progress.Finish();
            Console.Error.WriteLine($"eval: {summary.PhotosSeen} photos, {summary.PhotosAnalysed} analysed now, {summary.Failed.Count} failed");
            var clustering = new PeopleService(catalog).Cluster(full: true, cancel);
            ClusteringWords.Write(clustering, Console.Error);

            var labelled = LabelledUnder(catalog.Faces(withEmbeddings: pairs is not null), roots);
            var report = ClusteringReport.Of(LabelledFaces.Clusters(labelled));
            Print(report);
            if (pairs is not null)
            {
                var embeddings = labelled.ToDictionary(f => f.Face.Photo.Path, f => f.Face.Embedding!, StringComparer.Ordinal);
                Print(VerificationEvaluator.Evaluate(pairs, p => embeddings.GetValueOrDefault(p), parse.GetValue(Threshold)));
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>The labelled faces of photos directly in the chosen person folders.</summary>
    internal static List<(string Identity, FaceRecord Face)> LabelledUnder(IEnumerable<FaceRecord> faces, IReadOnlyList<string> roots)
    {
        var rootSet = roots.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        return LabelledFaces.Pick(faces.Where(f => rootSet.Contains(Path.GetDirectoryName(f.Photo.Path)!)));
    }

    static void Print(ClusteringReport r)
    {
        Console.WriteLine($"labelled faces              {r.Items} of {r.Identities} people; {r.Clusters} clusters found (a face in no person counts as its own)");
        Console.WriteLine($"BCubed                      precision {r.BCubed.Precision:F4}  recall {r.BCubed.Recall:F4}  F {r.BCubed.F:F4}");
        Console.WriteLine($"pairwise                    precision {r.Pairwise.Precision:F4}  recall {r.Pairwise.Recall:F4}  F {r.Pairwise.F:F4}");
    }

    static void Print(VerificationReport r)
    {
        Console.WriteLine($"pairs                       {r.Pairs} ({r.PairsMissingAFace} with a photo where no face was found, counted as 'different')");
        Console.WriteLine($"mean similarity             same {r.MeanSameSimilarity:F3}, different {r.MeanDifferentSimilarity:F3}");
        Console.WriteLine($"accuracy, 10-fold CV        {r.CrossValidatedAccuracy:P2} ± {r.CrossValidatedStdDev:P2}");
        Console.WriteLine($"accuracy, best threshold    {r.BestAccuracy:P2} at {r.BestThreshold:F3}");
        Console.WriteLine($"accuracy, threshold {r.Threshold:F2}    {r.AccuracyAtThreshold:P2}");
    }
}
