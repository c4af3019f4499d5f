using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Core.Tags;

namespace FaceAtlas.Core.Application;

/// <summary>What an index did: its photos, the names it read, and whether a stop cut the grouping into people short.</summary>
public sealed record IndexRun(IndexSummary Summary, TagSummary Tags, bool GroupingInterrupted);

/// <summary>
/// Indexing as a person asks for it: photos analysed into the catalog, then what follows, so the people and the
/// search index are in step when the writer's lock is let go. The caller holds <paramref name="writer"/>.
/// </summary>
public sealed class IndexService(ICatalogStore store, ICatalogWriter writer)
{
    /// <summary>How often a running index tells other processes (the web app) how far it has come.</summary>
    static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(2);

    /// <summary>What the search index is doing when it is built or brought up to date, in words.</summary>
    public event Action<string>? SearchIndexChanging;

    /// <summary>The follow-up's clustering waits while another clustering of the same catalog runs.</summary>
    public event Action? WaitingToCluster;

    /// <summary>The follow-up's clustering is done (after the search index is brought up to date).</summary>
    public event Action<ClusteringSummary>? Clustered;

    /// <summary>The photos are in the catalog and their names read (<see cref="RunAsync"/>, each pass of a watch); what follows comes next.</summary>
    public event Action<IndexSummary, TagSummary>? Indexed;

    /// <summary>
    /// The whole of an index in its order: the photos analysed into the catalog (<see cref="IndexAsync"/>), the names
    /// in their XMP applied (<see cref="ReadTags"/>), <see cref="Indexed"/> told, then the follow-up (clustering
    /// unless <paramref name="cluster"/> is off, the search index). A stop while photos are analysed is an
    /// <see cref="OperationCanceledException"/> (the finished ones are saved); a stop during the follow-up is told in
    /// the result, every photo being saved by then.
    /// </summary>
    public async Task<IndexRun> RunAsync(IReadOnlyList<string> roots, IFaceAnalyzer analyzer, IndexOptions options, bool cluster,
        IProgress<IndexProgress> progress, CancellationToken cancel)
    {
        var summary = await IndexAsync(roots, analyzer, options, progress, cancel);
        var tags = ReadTags(summary, analyzer);
        Indexed?.Invoke(summary, tags);
        try
        {
            FollowUp(summary, cluster, cancel, tags);
        }
        catch (OperationCanceledException)
        {
            return new IndexRun(summary, tags, GroupingInterrupted: true);
        }
        return new IndexRun(summary, tags, GroupingInterrupted: false);
    }

    /// <summary>
    /// Before the catalog is opened for writing: a new catalog will have every photo found analysed, so the models
    /// start loading now, beside the making of the catalog and the reading of the folders (measured in
    /// docs/BENCHMARKS.md). Elsewhere they load once the index knows it has photos to analyse, so a
    /// re-run that finds nothing new never loads them.
    /// </summary>
    public static void LoadModelsEarly(ICatalogStore store, IFaceAnalyzer analyzer)
    {
        if (store.IsNew) analyzer.Prepare();
    }

    /// <summary>Brings the catalog in step with <paramref name="roots"/>; progress goes to the caller and, every 2 s, to other processes.</summary>
    public Task<IndexSummary> IndexAsync(IReadOnlyList<string> roots, IFaceAnalyzer analyzer, IndexOptions options,
        IProgress<IndexProgress> progress, CancellationToken cancel) =>
        new PhotoIndexer(writer.Catalog, analyzer, options, writer.SharedWork).RunAsync(roots, new PublishedProgress(progress, writer), cancel);

    /// <summary>
    /// After an index: the search index brought up to date, then new faces grouped into people (unless
    /// <paramref name="cluster"/> is off), against their neighbourhood in that index where there is one. Nothing new
    /// and nothing gone: people stay as the last run left them, so an unchanged re-run stays instant. A clustering
    /// that ran is told through <see cref="Clustered"/>.
    /// </summary>
    public void FollowUp(IndexSummary summary, bool cluster, CancellationToken cancel, TagSummary? tags = null)
    {
        bool changed = summary.PhotosAnalysed > 0 || summary.PhotosRemoved > 0 || tags?.Changed == true;
        var index = UpdateSearchIndex(changed);
        if (!cluster || !changed) return;
        var clustering = new PeopleService(writer.Catalog).Cluster(full: false, cancel, () => WaitingToCluster?.Invoke(),
            index is null ? null : new IndexedNeighbours(index));
        Clustered?.Invoke(clustering);
    }

    /// <summary>
    /// Clustering as <c>cluster</c> asks for it: a run that is not <paramref name="full"/> brings a search index that
    /// exists up to date first and clusters new faces against their neighbourhood in it.
    /// </summary>
    public ClusteringSummary Cluster(bool full, CancellationToken cancel)
    {
        var index = !full && File.Exists(FaceSearch.IndexPathFor(store.LocalFiles)) ? UpdateSearchIndex(changed: true) : null;
        return new PeopleService(writer.Catalog).Cluster(full, cancel, () => WaitingToCluster?.Invoke(),
            index is null ? null : new IndexedNeighbours(index));
    }

    /// <summary>
    /// Names faces from the named regions the run read in the photos' XMP and sidecars (see <see cref="FaceTagging"/>);
    /// before <see cref="FollowUp"/>, so clustering builds on those names.
    /// </summary>
    public TagSummary ReadTags(IndexSummary summary, IFaceAnalyzer analyzer) =>
        summary.Tagged.Count == 0 ? TagSummary.None : new FaceTagging(writer.Catalog, analyzer).Apply(summary.Tagged);

    /// <summary>How long a watched folder must be quiet after a change before it is indexed.</summary>
    public static readonly TimeSpan WatchQuiet = TimeSpan.FromSeconds(1);

    /// <summary>A photo written to within this long is left for the next pass of a watch: it may be a copy in progress.</summary>
    public static readonly TimeSpan WatchSettle = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Indexes <paramref name="roots"/>, then keeps them indexed: each change (a photo new, changed, moved, deleted,
    /// a sidecar written) brings another pass within seconds, and one comes every <paramref name="rescanEvery"/> anyway.
    /// Each pass reads tags, tells <see cref="Indexed"/>, then does the follow-up. Ends when cancelled; a pass
    /// cut short keeps what it finished, like an interrupted index.
    /// </summary>
    public async Task WatchAsync(IReadOnlyList<string> roots, IFaceAnalyzer analyzer, IndexOptions options, bool cluster,
        TimeSpan rescanEvery, IProgress<IndexProgress> progress,
        Action<IReadOnlyList<string>> unwatched, CancellationToken cancel)
    {
        using var watch = new FolderWatch(roots, WatchQuiet, rescanEvery);
        if (watch.Unwatched.Count > 0) unwatched(watch.Unwatched);
        options = options with { SettleTime = WatchSettle };
        while (true)
        {
            var summary = await IndexAsync(roots, analyzer, options, progress, cancel);
            var tags = ReadTags(summary, analyzer);
            Indexed?.Invoke(summary, tags);
            FollowUp(summary, cluster, cancel, tags);
            writer.Publish(new IndexProgress(summary.PhotosSeen, summary.PhotosSeen, 0, 0, summary.Elapsed) { Watching = true });
            await watch.WaitAsync(summary.PhotosWaiting > 0 ? WatchSettle : null, cancel);
        }
    }

    /// <summary>
    /// Small catalogs are searched exactly and need no index, unless one was made (with search --index). Returns the
    /// index brought up to date; null when there is none, or nothing changed.
    /// </summary>
    SearchIndex? UpdateSearchIndex(bool changed)
    {
        var path = FaceSearch.IndexPathFor(store.LocalFiles);
        if (File.Exists(path) ? !changed : writer.Catalog.Counts().Faces <= FaceSearch.ExactLimit) return null;
        var search = new FaceSearch(writer.Catalog, path);
        search.IndexChanging += message => SearchIndexChanging?.Invoke(message);
        return search.Index();
    }

    sealed class PublishedProgress(IProgress<IndexProgress> inner, ICatalogWriter writer) : IProgress<IndexProgress>
    {
        long _last;

        public void Report(IndexProgress value)
        {
            inner.Report(value);
            long now = Environment.TickCount64;
            if (now - Interlocked.Read(ref _last) < PublishEvery.TotalMilliseconds && value.PhotosDone < value.PhotosTotal) return;
            Interlocked.Exchange(ref _last, now);
            writer.Publish(value);
        }
    }
}
