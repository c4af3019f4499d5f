using System.CommandLine;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli;

/// <summary>A watch of photo folders (<c>index --watch</c>, <c>serve --watch</c>): its option and what it prints.</summary>
internal static class WatchReport
{
    public static readonly Option<int> Rescan = Bounded(new Option<int>("--rescan")
    {
        Description = "With --watch, look through the folders this often even without a change event (covers network shares)",
        DefaultValueFactory = _ => 600,
        HelpName = "SECONDS",
    });

    static Option<int> Bounded(Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 5 or > 86400) r.AddError("--rescan must be between 5 and 86400 seconds");
        });
        return option;
    }

    /// <summary>
    /// The first pass reports as an index does; each later pass that found something says so in a line, with its
    /// failures and tag problems. Stopping (Ctrl+C, SIGTERM) is how a watch ends: exit 0, what was found is saved.
    /// </summary>
    public static async Task<int> RunAsync(ICatalogStore store, ICatalogWriter writer, string[] roots, FaceAnalyzer analyzer, IndexOptions options,
        bool cluster, TimeSpan rescan, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var service = new IndexService(store, writer);
        string location = store.Location;
        IndexReport.FollowUps(service, stdout, stderr);
        bool first = true;
        var quiet = new Progress<IndexProgress>(_ => { });
        try
        {
            service.Indexed += (summary, tags) =>
            {
                if (first)
                {
                    IndexReport.Summary(summary, writer.Catalog.Counts(), location, stdout, listAllFailures: true);
                    IndexReport.Tags(tags, stdout);
                    stdout.WriteLine($"watching {string.Join(", ", roots.Select(r => DisplayText.Path(Path.GetFullPath(r))))} for changes (Ctrl+C to stop)");
                    first = false;
                }
                else if (summary.PhotosAnalysed + summary.PhotosRemoved + summary.PhotosMoved + summary.Failed.Count + tags.Regions + tags.Problems.Count > 0)
                {
                    stdout.WriteLine($"{DateTime.Now:HH:mm:ss}  analysed {summary.PhotosAnalysed}, moved {summary.PhotosMoved}, removed {summary.PhotosRemoved}, " +
                                     $"failed {summary.Failed.Count}, faces {summary.FacesFound} found; {summary.PhotosSeen} photos watched");
                    foreach (var f in summary.Failed)
                        stdout.WriteLine($"    {DisplayText.Path(f.Path)}: {f.Reason}");
                    IndexReport.Tags(tags, stdout);
                }
                stdout.Flush();
            };
            await service.WatchAsync(roots, analyzer, options, cluster, rescan, quiet, folders =>
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
}
