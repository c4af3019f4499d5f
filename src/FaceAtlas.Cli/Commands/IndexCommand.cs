using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.Application;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas index PATH...</c>: brings the catalog in step with photo folders.</summary>
public static class IndexCommand
{
    static readonly Argument<string[]> Paths = PathArguments.NotEmpty(new Argument<string[]>("PATH")
    {
        Description = "Photo folders (searched recursively) or single photos",
        Arity = ArgumentArity.OneOrMore,
    });

    static readonly Option<int> Threads = new("--threads")
    {
        Description = "Photos analysed at once (default: one per core)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    static readonly Option<float> MinFace = new("--min-face")
    {
        Description = "Smallest face to find, in pixels of the photo (default 40); larger values index large photos faster",
        DefaultValueFactory = _ => DetectionOptions.Default.MinFaceSize,
        HelpName = "PIXELS",
    };

    static readonly Option<bool> NoCluster = new("--no-cluster") { Description = "Do not group the new faces into people afterwards" };

    public static Command Create()
    {
        var command = new Command("index", "Find, align and embed every face in photo folders; only new or changed photos are analysed");
        command.Arguments.Add(Paths);
        command.Options.Add(Threads);
        command.Options.Add(MinFace);
        command.Options.Add(NoCluster);
        MinFace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<float>() is < 16 or > 4000) r.AddError("--min-face must be between 16 and 4000 pixels");
        });
        // The parser takes an unknown "--option" for a path; say what it is instead of "no such file".
        Paths.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Select(t => t.Value))
                if (token.StartsWith('-') && !Path.Exists(token))
                    r.AddError($"unknown option '{token}' for 'index'");
        });
        Threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--threads must be between 1 and 256");
        });
        command.SetAction((parse, cancel) => RunAsync(parse, Console.Out, Console.Error, cancel));
        return command;
    }

    static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var store = CatalogAccess.Store(parse);
        var roots = parse.GetValue(Paths)!;
        using var writer = store.OpenForWriting();
        using var analyzer = new FaceAnalyzer(options: DetectionOptions.Default with { MinFaceSize = parse.GetValue(MinFace) });
        var progress = new ConsoleProgress(stderr, interactive: !Console.IsErrorRedirected);
        var service = new IndexService(store, writer);
        IndexSummary summary;
        try
        {
            summary = await service.IndexAsync(roots, analyzer, new IndexOptions { Threads = parse.GetValue(Threads) }, progress, cancel);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            int saved = progress.Last.PhotosDone;
            stderr.WriteLine($"index: interrupted; {saved} {(saved == 1 ? "photo was" : "photos were")} saved, run the same command to resume");
            return ExitCodes.Interrupted;
        }
        progress.Finish();
        Report(summary, writer.Catalog.Counts(), store.Location, stdout, listAllFailures: Console.IsOutputRedirected);
        service.WaitingToCluster += () => stderr.WriteLine(ClusterCommand.WaitingWords);
        service.Clustered += clustering => ClusterCommand.Report(clustering, stdout);
        service.SearchIndexChanging += message => stdout.WriteLine($"search: {message}");
        service.FollowUp(summary, cluster: !parse.GetValue(NoCluster), cancel);
        return summary.HasFailures ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>Failures listed one by one on a terminal; beyond this they are counted by reason (a log gets them all).</summary>
    const int FailuresListedOnTerminal = 50;

    static void Report(IndexSummary s, CatalogCounts counts, string catalogPath, TextWriter stdout, bool listAllFailures)
    {
        double rate = s.Elapsed.TotalSeconds > 0 ? s.PhotosAnalysed / s.Elapsed.TotalSeconds : 0;
        stdout.WriteLine($"Indexed {s.PhotosSeen} photos in {ConsoleProgress.Format(s.Elapsed)} ({rate:F1} photos/s analysed)");
        stdout.WriteLine($"  analysed   {s.PhotosAnalysed}");
        stdout.WriteLine($"  unchanged  {s.PhotosUnchanged}");
        if (s.PhotosByOthers > 0)
            stdout.WriteLine($"  by others  {s.PhotosByOthers} (analysed by other workers sharing the catalog)");
        stdout.WriteLine($"  faces      {s.FacesFound} found now; {counts.Faces} in the catalog, in {counts.PhotosWithFaces} of {counts.Photos} photos");
        // Photos indexed before in what is now left out are forgotten too: "files gone" alone would misreport them.
        stdout.WriteLine($"  removed    {s.PhotosRemoved} ({(s.LeftOut.Count > 0 ? "files gone, or left out below" : "files gone")})");
        foreach (var folder in s.LeftOut)
            stdout.WriteLine($"  left out   {DisplayText.Path(folder.Path)}: {folder.Reason}");
        stdout.WriteLine($"  failed     {s.Failed.Count}{(counts.FailedPhotos > 0 ? $" now; {counts.FailedPhotos} unusable photos in the catalog, not retried until they change" : "")}");
        var listed = listAllFailures ? s.Failed : s.Failed.Take(FailuresListedOnTerminal).ToList();
        foreach (var f in listed)
            stdout.WriteLine($"    {DisplayText.Path(f.Path)}: {f.Reason}");
        if (listed.Count < s.Failed.Count)
        {
            stdout.WriteLine($"    ... and {s.Failed.Count - listed.Count} more (redirect the output to a file to list them all); all failures by reason:");
            foreach (var reason in s.Failed.GroupBy(f => f.Reason).OrderByDescending(g => g.Count()).Take(10))
                stdout.WriteLine($"    {reason.Count(),9}  {reason.Key}");
        }
        stdout.WriteLine($"  catalog    {catalogPath}");
    }
}
