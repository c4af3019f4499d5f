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

    internal static readonly Option<bool> Watch = new("--watch")
    {
        Description = "After indexing, keep watching the folders: new, changed, moved and deleted photos are indexed within seconds (Ctrl+C to stop)",
    };

    internal static readonly Option<int> Rescan = new("--rescan")
    {
        Description = "With --watch, look through the folders this often even without a change event (covers network shares)",
        DefaultValueFactory = _ => 600,
        HelpName = "SECONDS",
    };

    public static Command Create()
    {
        var command = new Command("index", "Find, align and embed every face in photo folders; only new or changed photos are analysed");
        command.Arguments.Add(Paths);
        command.Options.Add(Threads);
        command.Options.Add(MinFace);
        command.Options.Add(NoCluster);
        command.Options.Add(Watch);
        command.Options.Add(Rescan);
        Rescan.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 5 or > 86400) r.AddError("--rescan must be between 5 and 86400 seconds");
        });
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
            return await WatchAsync(store, writer, roots, analyzer, new IndexOptions { Threads = parse.GetValue(Threads), Videos = VideoTools.Find() }, !parse.GetValue(NoCluster),
                TimeSpan.FromSeconds(parse.GetValue(Rescan)), stdout, stderr, cancel);
        var service = new IndexService(store, writer);
        IndexSummary summary;
        try
        {
            summary = await service.IndexAsync(roots, analyzer, new IndexOptions { Threads = parse.GetValue(Threads), Videos = VideoTools.Find() }, progress, cancel);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            int saved = progress.Last.PhotosDone;
            stderr.WriteLine($"index: interrupted; {saved} {(saved == 1 ? "photo was" : "photos were")} saved, run the same command to resume");
            return ExitCodes.Interrupted;
        }
        progress.Finish();
        var tags = service.ReadTags(summary, analyzer);
        Report(summary, writer.Catalog.Counts(), store.Location, stdout, listAllFailures: Console.IsOutputRedirected);
        ReportTags(tags, stdout);
        Follow(service, stdout, stderr);
        try
        {
            service.FollowUp(summary, cluster: !parse.GetValue(NoCluster), cancel, tags);
        }
        catch (OperationCanceledException)
        {
            // Every photo is saved; only the grouping was cut short, and a re-run finds nothing new to group.
            stderr.WriteLine("index: interrupted while grouping faces into people; every photo was saved, run 'faceatlas cluster' to group them");
            return ExitCodes.Interrupted;
        }
        return summary.HasFailures || tags.Problems.Count > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    static void Follow(IndexService service, TextWriter stdout, TextWriter stderr)
    {
        service.WaitingToCluster += () => stderr.WriteLine(ClusterCommand.WaitingWords);
        service.Clustered += clustering => ClusterCommand.Report(clustering, stdout);
        service.SearchIndexChanging += message => stdout.WriteLine($"search: {message}");
    }

    /// <summary>
    /// The first pass reports as an index does; each later pass that found something says so in a line, with its
    /// failures and tag problems. Stopping (Ctrl+C, SIGTERM) is how a watch ends: exit 0, what was found is saved.
    /// </summary>
    internal static async Task<int> WatchAsync(ICatalogStore store, ICatalogWriter writer, string[] roots, FaceAnalyzer analyzer, IndexOptions options,
        bool cluster, TimeSpan rescan, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var service = new IndexService(store, writer);
        string location = store.Location;
        Follow(service, stdout, stderr);
        bool first = true;
        var quiet = new Progress<IndexProgress>(_ => { });
        try
        {
            await service.WatchAsync(roots, analyzer, options, cluster, rescan, quiet, (summary, tags) =>
            {
                if (first)
                {
                    Report(summary, writer.Catalog.Counts(), location, stdout, listAllFailures: true);
                    ReportTags(tags, stdout);
                    stdout.WriteLine($"watching {string.Join(", ", roots.Select(r => DisplayText.Path(Path.GetFullPath(r))))} for changes (Ctrl+C to stop)");
                    first = false;
                }
                else if (summary.PhotosAnalysed + summary.PhotosRemoved + summary.PhotosMoved + summary.Failed.Count + tags.Regions + tags.Problems.Count > 0)
                {
                    stdout.WriteLine($"{DateTime.Now:HH:mm:ss}  analysed {summary.PhotosAnalysed}, moved {summary.PhotosMoved}, removed {summary.PhotosRemoved}, " +
                                     $"failed {summary.Failed.Count}, faces {summary.FacesFound} found; {summary.PhotosSeen} photos watched");
                    foreach (var f in summary.Failed)
                        stdout.WriteLine($"    {DisplayText.Path(f.Path)}: {f.Reason}");
                    ReportTags(tags, stdout);
                }
                stdout.Flush();
            }, folders =>
            {
                foreach (var folder in folders)
                    stderr.WriteLine($"index: cannot watch {folder}; it is looked through every {rescan.TotalSeconds:F0} s instead");
            }, cancel);
        }
        catch (OperationCanceledException)
        {
        }
        stderr.WriteLine("index: stopped watching; every photo finished is saved, and the next index or watch picks up the rest");
        return ExitCodes.Success;
    }

    /// <summary>What named face regions in the photos' XMP did, when there were any.</summary>
    internal static void ReportTags(TagSummary tags, TextWriter stdout)
    {
        if (tags.Regions == 0 && tags.Problems.Count == 0) return;
        stdout.WriteLine($"  names      {tags.Regions} named face {(tags.Regions == 1 ? "region" : "regions")} read from XMP: {tags.Matched} matched a face, " +
                         $"{tags.Drawn} added from their box; {tags.FacesNamed} faces named, {tags.NewPeople} new people; {tags.Problems.Count} not used");
        foreach (var p in tags.Problems)
            stdout.WriteLine($"    {DisplayText.Path(p.Path)}: {p.Reason}");
    }

    /// <summary>Failures listed one by one on a terminal; beyond this they are counted by reason (a log gets them all).</summary>
    const int FailuresListedOnTerminal = 50;

    static void Report(IndexSummary s, CatalogCounts counts, string catalogPath, TextWriter stdout, bool listAllFailures)
    {
        double rate = s.Elapsed.TotalSeconds > 0 ? s.PhotosAnalysed / s.Elapsed.TotalSeconds : 0;
        stdout.WriteLine($"Indexed {s.PhotosSeen} photos in {ConsoleProgress.Format(s.Elapsed)} ({rate:F1} photos/s analysed)");
        stdout.WriteLine($"  analysed   {s.PhotosAnalysed}");
        stdout.WriteLine($"  unchanged  {s.PhotosUnchanged}");
        if (s.PhotosMoved > 0)
            stdout.WriteLine($"  moved      {s.PhotosMoved} (renamed or moved: faces and people kept)");
        if (s.PhotosWaiting > 0)
            stdout.WriteLine($"  waiting    {s.PhotosWaiting} (written to in the last seconds; read on the next pass)");
        if (s.PhotosByOthers > 0)
            stdout.WriteLine($"  by others  {s.PhotosByOthers} (analysed by other workers sharing the catalog)");
        stdout.WriteLine($"  faces      {s.FacesFound} found now; {counts.Faces} in the catalog, in {counts.PhotosWithFaces} of {counts.Photos} photos");
        // Photos indexed before in what is now left out are forgotten too: "files gone" alone would misreport them.
        stdout.WriteLine($"  removed    {s.PhotosRemoved} ({(s.LeftOut.Count > 0 ? "files gone, or left out below" : "files gone")})");
        foreach (var folder in s.LeftOut)
            stdout.WriteLine($"  left out   {DisplayText.Path(folder.Path)}: {folder.Reason}");
        if (s.LivePhotoVideos > 0)
            stdout.WriteLine($"  live       {s.LivePhotoVideos} Live Photo videos kept with their stills (their faces are the stills')");
        if (s.VideosSkipped > 0)
            stdout.WriteLine($"  videos     {s.VideosSkipped} skipped: {VideoTools.Missing}");
        var kinds = s.Failed.Count == 0 ? ""
            : " (" + string.Join(", ", s.Failed.GroupBy(f => PhotoScanner.KindOf(f.Path)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")) + ")";
        stdout.WriteLine($"  failed     {s.Failed.Count}{kinds}{(counts.FailedPhotos > 0 ? $" now; {counts.FailedPhotos} unusable photos in the catalog, not retried until they change" : "")}");
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
