using FaceAtlas.Core.Application;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.Tags;
using FaceAtlas.Vision;

namespace FaceAtlas.Cli;

/// <summary>What an index run did, in the words <c>index</c>, <c>index --watch</c> and <c>serve --watch</c> print alike.</summary>
internal static class IndexReport
{
    /// <summary>What follows an index (waiting for another clustering, the clustering, the search index), said as it happens.</summary>
    public static void FollowUps(IndexService service, TextWriter stdout, TextWriter stderr)
    {
        service.WaitingToCluster += () => stderr.WriteLine(ClusteringWords.Waiting);
        service.Clustered += clustering => ClusteringWords.Write(clustering, stdout);
        service.SearchIndexChanging += message => stdout.WriteLine($"search: {message}");
    }

    /// <summary>What named face regions in the photos' XMP did, when there were any.</summary>
    public static void Tags(TagSummary tags, TextWriter stdout)
    {
        if (tags.Regions == 0 && tags.Problems.Count == 0) return;
        stdout.WriteLine($"  names      {tags.Regions} named face {(tags.Regions == 1 ? "region" : "regions")} read from XMP: {tags.Matched} matched a face, " +
                         $"{tags.Drawn} added from their box; {tags.FacesNamed} faces named, {tags.NewPeople} new people; {tags.Problems.Count} not used");
        foreach (var p in tags.Problems)
            stdout.WriteLine($"    {DisplayText.Path(p.Path)}: {p.Reason}");
    }

    /// <summary>Failures listed one by one on a terminal; beyond this they are counted by reason (a log gets them all).</summary>
    const int FailuresListedOnTerminal = 50;

    public static void Summary(IndexSummary s, CatalogCounts counts, string catalogPath, TextWriter stdout, bool listAllFailures)
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
