using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Evaluation;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary>
/// <c>faceatlas eval LABELED_DIR --pairs FILE</c>: indexes a folder-per-person set of photos and measures
/// verification accuracy on labelled pairs, the way docs/QUALITY.md is kept.
/// </summary>
public static class EvalCommand
{
    static readonly Argument<string> Folder = new("LABELED_DIR") { Description = "Photos in one folder per person" };

    static readonly Option<string> Pairs = new("--pairs")
    {
        Description = "An LFW-style pairs file (e.g. ../shared/datasets/lfw-protocol/pairs-dev.txt)",
        HelpName = "FILE",
        Required = true,
    };

    static readonly Option<double> Threshold = new("--threshold")
    {
        Description = "Similarity threshold to report accuracy at (default: the product's calibrated one)",
        DefaultValueFactory = _ => FaceEmbedder.SamePersonThreshold,
    };

    public static Command Create()
    {
        var command = new Command("eval", "Measure verification accuracy on labelled photos (indexes them into the catalog first)");
        command.Arguments.Add(Folder);
        command.Options.Add(Pairs);
        command.Options.Add(Threshold);
        command.SetAction(RunAsync);
        return command;
    }

    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        var folder = Path.GetFullPath(parse.GetValue(Folder)!);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"no folder {folder}");
        var pairs = PairsFile.Read(parse.GetValue(Pairs)!, folder);
        var catalogPath = GlobalOptions.CatalogPath(parse);

        Directory.CreateDirectory(Path.GetDirectoryName(catalogPath)!);
        using (CatalogLock.Acquire(catalogPath))
        using (var catalog = SqliteCatalog.Open(catalogPath))
        using (var analyzer = new FaceAnalyzer())
        {
            var progress = new ConsoleProgress(Console.Error, interactive: !Console.IsErrorRedirected);
            var summary = await new PhotoIndexer(catalog, analyzer).RunAsync([folder], progress, cancel);
            progress.Finish();
            Console.Error.WriteLine($"eval: {summary.PhotosSeen} photos, {summary.PhotosAnalysed} analysed now, {summary.Failed.Count} failed");

            var embeddings = CentralFaces(catalog.Faces(withEmbeddings: true));
            var report = VerificationEvaluator.Evaluate(pairs, p => embeddings.GetValueOrDefault(p), parse.GetValue(Threshold));
            Print(report);
        }
        return ExitCodes.Success;
    }

    /// <summary>Per photo, the embedding of the face nearest its centre (LFW labels that face).</summary>
    internal static Dictionary<string, float[]> CentralFaces(IEnumerable<FaceRecord> faces)
    {
        var best = new Dictionary<string, (double Distance, float[] Embedding)>(StringComparer.Ordinal);
        foreach (var f in faces)
        {
            if (f.Embedding is null) continue;
            double dx = f.Box.X + f.Box.Width / 2 - f.Photo.Width / 2.0, dy = f.Box.Y + f.Box.Height / 2 - f.Photo.Height / 2.0;
            double d = dx * dx + dy * dy;
            if (!best.TryGetValue(f.Photo.Path, out var current) || d < current.Distance)
                best[f.Photo.Path] = (d, f.Embedding);
        }
        return best.ToDictionary(kv => kv.Key, kv => kv.Value.Embedding, StringComparer.Ordinal);
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
