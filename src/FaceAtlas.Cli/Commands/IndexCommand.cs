using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Tags;
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

    static readonly Option<bool> Watch = new("--watch")
    {
        Description = "After indexing, keep watching the folders: new, changed, moved and deleted photos are indexed within seconds (Ctrl+C to stop)",
    };

    public static Command Create()
    {
        var command = new Command("index", "Find, align and embed every face in photo folders; only new or changed photos are analysed");
        command.Arguments.Add(Paths);
        command.Options.Add(Threads);
        command.Options.Add(MinFace);
        command.Options.Add(NoCluster);
        command.Options.Add(Watch);
        command.Options.Add(WatchReport.Rescan);
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
        using var analyzer = new FaceAnalyzer(options: DetectionOptions.Default with { MinFaceSize = parse.GetValue(MinFace) });
        IndexService.LoadModelsEarly(store, analyzer);
        using var writer = store.OpenForWriting();
        var progress = new ConsoleProgress(stderr, interactive: !Console.IsErrorRedirected);
        if (parse.GetValue(Watch))
            return await WatchReport.RunAsync(store, writer, roots, analyzer, new IndexOptions { Threads = parse.GetValue(Threads), Videos = VideoAnalyzer.Find(analyzer) }, !parse.GetValue(NoCluster),
                TimeSpan.FromSeconds(parse.GetValue(WatchReport.Rescan)), stdout, stderr, cancel);
        var service = new IndexService(store, writer);
        IndexReport.FollowUps(service, stdout, stderr);
        service.Indexed += (summary, tags) =>
        {
            progress.Finish();
            IndexReport.Summary(summary, writer.Catalog.Counts(), store.Location, stdout, listAllFailures: Console.IsOutputRedirected);
            IndexReport.Tags(tags, stdout);
        };
        IndexRun run;
        try
        {
            run = await service.RunAsync(roots, analyzer, new IndexOptions { Threads = parse.GetValue(Threads), Videos = VideoAnalyzer.Find(analyzer) },
                cluster: !parse.GetValue(NoCluster), progress, cancel);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            int saved = progress.Last.PhotosDone;
            stderr.WriteLine($"index: interrupted; {saved} {(saved == 1 ? "photo was" : "photos were")} saved, run the same command to resume");
            return ExitCodes.Interrupted;
        }
        if (run.GroupingInterrupted)
        {
            // Every photo is saved; only the grouping was cut short, and a re-run finds nothing new to group.
            stderr.WriteLine("index: interrupted while grouping faces into people; every photo was saved, run 'faceatlas cluster' to group them");
            return ExitCodes.Interrupted;
        }
        return run.Summary.HasFailures || run.Tags.Problems.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }
}
