using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Vision;

namespace FaceAtlas.Core.Application;

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

    /// <summary>The follow-up's clustering is done (before the search index is brought up to date).</summary>
    public event Action<ClusteringSummary>? Clustered;

    /// <summary>Brings the catalog in step with <paramref name="roots"/>; progress goes to the caller and, every 2 s, to other processes.</summary>
    public Task<IndexSummary> IndexAsync(IReadOnlyList<string> roots, FaceAnalyzer analyzer, IndexOptions options,
        IProgress<IndexProgress> progress, CancellationToken cancel) =>
        new PhotoIndexer(writer.Catalog, analyzer, options, writer.SharedWork).RunAsync(roots, new PublishedProgress(progress, writer), cancel);

    /// <summary>
    /// After an index: new faces grouped into people (unless <paramref name="cluster"/> is off) and the search index
    /// brought up to date. Nothing new and nothing gone: people stay as the last run left them, so an unchanged re-run
    /// stays instant. A clustering that ran is told through <see cref="Clustered"/>.
    /// </summary>
    public void FollowUp(IndexSummary summary, bool cluster, CancellationToken cancel)
    {
        bool changed = summary.PhotosAnalysed > 0 || summary.PhotosRemoved > 0;
        var clustering = cluster && changed ? new PeopleService(writer.Catalog).Cluster(full: false, cancel, () => WaitingToCluster?.Invoke()) : null;
        if (clustering is not null) Clustered?.Invoke(clustering);
        UpdateSearchIndex(changed);
    }

    /// <summary>Small catalogs are searched exactly and need no index, unless one was made (with search --index).</summary>
    void UpdateSearchIndex(bool changed)
    {
        var path = FaceSearch.IndexPathFor(store.LocalFiles);
        if (File.Exists(path) ? !changed : writer.Catalog.Counts().Faces <= FaceSearch.ExactLimit) return;
        var search = new FaceSearch(writer.Catalog, path);
        search.IndexChanging += message => SearchIndexChanging?.Invoke(message);
        search.Index();
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
