using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Tags;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// Brings the catalog in step with photo folders: analyses new and changed photos on all cores, writes them in
/// batched transactions, and forgets photos whose files are gone. Safe to kill at any moment: a photo is written
/// with all its faces or not at all, and a re-run picks up what is missing. With <paramref name="shared"/> work (several
/// workers on one catalog), what it finds to do is offered to all of them and it analyses what it claims.
/// </summary>
public sealed class PhotoIndexer(ICatalog catalog, IFaceAnalyzer analyzer, IndexOptions? options = null, ISharedWork? shared = null)
{
    /// <summary>How long a worker waits before it looks again for photos whose claims ran out.</summary>
    static readonly TimeSpan LeaseCheckEvery = TimeSpan.FromSeconds(1);

    readonly IndexOptions _options = options ?? new IndexOptions();

    /// <summary>Times spent per stage, summed over threads (for the benchmark).</summary>
    public StageClock Clock { get; } = new();

    public async Task<IndexSummary> RunAsync(IReadOnlyList<string> roots, IProgress<IndexProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var started = Stopwatch.StartNew();
        var scan = PhotoScanner.Scan(roots, cancel);
        // Without ffmpeg, videos are left as they are: neither read nor forgotten.
        var unreadVideos = _options.Videos is null ? scan.Photos.Where(p => PhotoScanner.IsVideo(p.Path)).ToList() : [];
        if (unreadVideos.Count > 0)
            scan = scan with { Photos = scan.Photos.Where(p => !PhotoScanner.IsVideo(p.Path)).ToList() };
        var known = new Dictionary<string, KnownPhoto>(StringComparer.Ordinal);
        foreach (var root in roots)
            foreach (var photo in catalog.PhotosUnder(Path.GetFullPath(root)))
                known[photo.Path] = photo;

        var work = new List<(PhotoFile File, KnownPhoto? Known)>();
        int unchanged = 0, waiting = 0;
        long settled = DateTime.UtcNow.Ticks - _options.SettleTime.Ticks;
        foreach (var file in scan.Photos)
        {
            known.TryGetValue(file.Path, out var k);
            if (k is not null && k.Size == file.Size && k.ModifiedTicks == file.ModifiedTicks && !DateToRead(k) && !(file.SidecarTicks > k.IndexedTicks))
                unchanged++;
            else if (_options.SettleTime > TimeSpan.Zero && Math.Max(file.ModifiedTicks, file.SidecarTicks ?? 0) > settled)
                waiting++; // still being written, perhaps: read on a later run
            else
                work.Add((file, k));
        }

        // Photos the catalog has under these roots whose files are gone; not under folders we could not list.
        var seen = new HashSet<string>(scan.Photos.Concat(unreadVideos).Select(p => p.Path), StringComparer.Ordinal);
        var missing = known.Values
            .Where(k => !seen.Contains(k.Path) && !scan.UnreadableFolders.Any(u => k.Path.StartsWith(u + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .ToList();
        var sameFiles = SkipFilesIndexedElsewhere(work);
        var movedFrom = MovedFrom(work, missing);
        for (int i = 0; i < work.Count; i++)
            if (work[i].Known is null && movedFrom.TryGetValue(work[i].File.Path, out var was))
                work[i] = (work[i].File, was);

        if (work.Count > 0) analyzer.Prepare();
        var tally = new Tally(work.Count);
        var failures = new List<PathProblem>(scan.Problems);
        IAsyncEnumerable<(PhotoFile File, KnownPhoto? Known)> items;
        if (shared is null)
            items = work.ToAsyncEnumerable();
        else
        {
            shared.Offer(work.Select(w => w.File).ToList());
            items = ClaimAllAsync(shared, roots.Select(r => Path.GetFullPath(r)).ToList(), movedFrom, tally, cancel);
        }
        await AnalyseAllAsync(items, tally, failures, started, progress, cancel);

        // What is missing goes, unless it moved (its faces and people went with it). Photos an older version indexed
        // that the scan now leaves out (an export's links, thumbnails) go too: they were never originals.
        var gone = missing.Where(k => !tally.Moved.Contains(k.Id)).Select(k => k.Id).ToList();
        int removed = gone.Count > 0 ? catalog.RemovePhotos(gone) : 0;

        return new IndexSummary(scan.Photos.Count, tally.Analysed, unchanged + tally.SameContent - tally.Moved.Count, tally.Faces, removed,
            failures, started.Elapsed)
        {
            LeftOut = [.. scan.LeftOut, .. sameFiles], PhotosByOthers = Math.Max(0, work.Count - tally.Done),
            PhotosMoved = tally.Moved.Count, PhotosWaiting = waiting, Tagged = tally.Tagged, VideosSkipped = unreadVideos.Count,
            LivePhotoVideos = tally.LiveVideos,
        };
    }

    /// <summary>
    /// A photo kept as it is whose date is read again (without analysing it): one indexed before dates were kept, and
    /// one dated by its file alone whose name now gives a date (indexed before names were read). The second not in a
    /// shared catalog, whose queue leaves out what the catalog holds as it is (<see cref="ISharedWork.Offer"/>): there such
    /// a photo keeps its file's date until its file changes.
    /// </summary>
    bool DateToRead(KnownPhoto k) => k.Undated || (shared is null && k.DatedByFile && FileNameDates.Read(k.Path) is not null);

    /// <summary>
    /// New paths that may be a missing photo moved or renamed: the same size and last write (a move keeps both), each
    /// missing photo offered to one new path. Analysis then compares their content, and a photo that is the same
    /// keeps its id, faces and people under its new path instead of being analysed again.
    /// </summary>
    static Dictionary<string, KnownPhoto> MovedFrom(List<(PhotoFile File, KnownPhoto? Known)> work, List<KnownPhoto> missing)
    {
        var moved = new Dictionary<string, KnownPhoto>(StringComparer.Ordinal);
        if (missing.Count == 0) return moved;
        var byStamp = missing.Where(k => k.ContentHash.Length > 0).GroupBy(k => (k.Size, k.ModifiedTicks))
            .ToDictionary(g => g.Key, g => new Queue<KnownPhoto>(g));
        foreach (var (file, known) in work)
            if (known is null && byStamp.TryGetValue((file.Size, file.ModifiedTicks), out var candidates) && candidates.Count > 0)
                moved[file.Path] = candidates.Dequeue();
        return moved;
    }

    /// <summary>
    /// The shared photos under <paramref name="roots"/>, claimed a few at a time (a few per thread, so a dead worker
    /// strands little), until none is left but this worker's own: while others hold the last claims, it waits, and
    /// takes over those whose worker died when their leases run out. Its own claims end when the writer commits them,
    /// which it does at the latest when this ends.
    /// </summary>
    async IAsyncEnumerable<(PhotoFile File, KnownPhoto? Known)> ClaimAllAsync(ISharedWork work, IReadOnlyList<string> roots,
        Dictionary<string, KnownPhoto> movedFrom, Tally tally, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        int batch = Math.Max(1, _options.Threads) * 4;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var claimed = work.Claim(roots, batch);
            int remaining = work.Remaining(roots);
            tally.Total = tally.Done + remaining + claimed.Count;
            if (claimed.Count == 0)
            {
                if (remaining == 0) yield break;
                await Task.Delay(LeaseCheckEvery, cancel);
                continue;
            }
            foreach (var photo in claimed)
                yield return (photo.File, photo.Known ?? movedFrom.GetValueOrDefault(photo.File.Path));
        }
    }

    /// <summary>
    /// Takes out of <paramref name="work"/> the new paths that name a file already in the catalog under another path
    /// (a folder indexed once through a link and once where it really is), and the second of two new paths to one
    /// file: indexed twice, every face would count twice. Returns the folders so left out, with where their files
    /// are indexed. A copy is another file and is kept.
    /// </summary>
    List<LeftOutFolder> SkipFilesIndexedElsewhere(List<(PhotoFile File, KnownPhoto? Known)> work)
    {
        var fresh = work.Where(w => w.Known is null).ToList();
        if (fresh.Count == 0) return [];
        // The catalog's files of the same size and time, by real path: only those can be one of these files.
        var stamps = fresh.Select(w => (w.File.Size, w.File.ModifiedTicks)).ToHashSet();
        var indexed = new Dictionary<string, string>(StringComparer.Ordinal); // real path -> path in the catalog
        foreach (var photo in catalog.PhotosOfSizes(stamps.Select(s => s.Size).ToHashSet()))
            if (stamps.Contains((photo.Size, photo.ModifiedTicks)) && RealPaths.Of(photo.Path) is { } real)
                indexed.TryAdd(real, photo.Path);

        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var folders = new Dictionary<string, string>(StringComparer.Ordinal); // folder left out -> folder indexed
        foreach (var w in fresh)
        {
            if (RealPaths.Of(w.File.Path) is not { } real) continue;
            if (indexed.TryGetValue(real, out var elsewhere))
            {
                skipped.Add(w.File.Path);
                folders.TryAdd(Path.GetDirectoryName(w.File.Path)!, Path.GetDirectoryName(elsewhere)!);
            }
            else
            {
                indexed[real] = w.File.Path; // the first path met in this run stands for the file
            }
        }
        if (skipped.Count == 0) return [];
        work.RemoveAll(w => skipped.Contains(w.File.Path));
        return folders.Select(f => new LeftOutFolder(f.Key, $"its photos are indexed already as {f.Value} (one is a link to the other)")).ToList();
    }

    async Task AnalyseAllAsync(IAsyncEnumerable<(PhotoFile File, KnownPhoto? Known)> work, Tally tally, List<PathProblem> failures,
        Stopwatch started, IProgress<IndexProgress>? progress, CancellationToken cancel)
    {
        int threads = Math.Max(1, _options.Threads);
        // Bounded both ways: memory holds at most a few photos per thread, however large the folder.
        var results = Channel.CreateBounded<PhotoOutcome>(new BoundedChannelOptions(threads * 4) { SingleReader = true });
        // A writer that fails (a full disk, a damaged catalog) stops the analysers: with nobody reading, they would
        // wait on the full channel for ever. Its exception, not the analysers' cancellation, is what the run ends with.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var writer = Task.Run(async () =>
        {
            try
            {
                await WriteAllAsync(results.Reader, tally, failures, started, progress);
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = stop.Token },
                async (item, ct) => await results.Writer.WriteAsync(Analyse(item.File, item.Known), ct));
        }
        finally
        {
            results.Writer.TryComplete();
            await writer; // rethrows the writer's failure over the analysers' cancellation
        }
    }

    PhotoOutcome Analyse(PhotoFile file, KnownPhoto? known)
    {
        if (_options.Videos is { } videos && PhotoScanner.IsVideo(file.Path))
            return AnalyseVideo(file, known, videos);
        byte[] bytes;
        using (Clock.Measure(Stage.Read))
        {
            if (file.Size > _options.MaxFileBytes)
                return new PhotoOutcome.Failed(file, null, $"file too large ({file.Size / (1024 * 1024)} MB; limit {_options.MaxFileBytes / (1024 * 1024)} MB)");
            try
            {
                bytes = ReadReadOnly(file.Path, _options.MaxFileBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new PhotoOutcome.Failed(file, null, $"cannot read: {e.Message}");
            }
        }
        var hash = SHA256.HashData(bytes);
        var metadata = CaptureDates.Metadata(bytes);
        var taken = CaptureDates.Read(metadata, file);
        if (known is not null && hash.AsSpan().SequenceEqual(known.ContentHash))
            return new PhotoOutcome.Unchanged(file, known.Id) { MovedFrom = known.Path == file.Path ? null : known.Path, Taken = taken, Tags = FaceTagReader.Read(metadata, file.Path) };
        try
        {
            var analysis = analyzer.Analyze(bytes, Clock);
            return new PhotoOutcome.Analysed(file, hash, analysis) { Taken = taken, Tags = FaceTagReader.Read(metadata, file.Path) };
        }
        catch (PhotoDecodeException e)
        {
            return new PhotoOutcome.Failed(file, hash, e.Message);
        }
    }

    /// <summary>
    /// A video: its content hashed as it streams by (never held in memory, whatever its size), its date from its
    /// container, its faces from sampled frames (<see cref="IVideoReader"/>).
    /// </summary>
    PhotoOutcome AnalyseVideo(PhotoFile file, KnownPhoto? known, IVideoReader videos)
    {
        byte[] hash;
        using (Clock.Measure(Stage.Read))
        {
            try
            {
                using var stream = OpenReadOnly(file.Path);
                hash = SHA256.HashData(stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new PhotoOutcome.Failed(file, null, $"cannot read: {e.Message}");
            }
        }
        try
        {
            var info = videos.Probe(file.Path);
            var taken = info.Created is { } created
                ? new CaptureDate(created.DateTime, info.CreatedHasOffset ? created.Offset : TimeSpan.Zero, DateSource.Video)
                : CaptureDates.FromNameOrFile(file); // a container without a date: the name's, else the file's
            if (known is not null && hash.AsSpan().SequenceEqual(known.ContentHash))
                return new PhotoOutcome.Unchanged(file, known.Id) { MovedFrom = known.Path == file.Path ? null : known.Path, Taken = taken };
            if (LivePhotos.StillOf(file.Path, info.ContentIdentifier) is not null)
                return new PhotoOutcome.Analysed(file, hash, new PhotoAnalysis(0, 0, LivePhotos.VideoFormat, []) { DurationMs = (long)info.Duration.TotalMilliseconds })
                    { Taken = taken };
            var analysis = videos.Analyze(file.Path, VideoFormat(file.Path), info);
            return new PhotoOutcome.Analysed(file, hash, analysis) { Taken = taken };
        }
        catch (PhotoDecodeException e)
        {
            return new PhotoOutcome.Failed(file, hash, e.Message);
        }
    }

    static string VideoFormat(string path) => Path.GetExtension(path).TrimStart('.').ToUpperInvariant() switch
    {
        "QT" => "MOV",
        var e => e,
    };

    /// <summary>Opens the original read-only and shared, and never reads more than <paramref name="limit"/> bytes.</summary>
    static byte[] ReadReadOnly(string path, long limit)
    {
        using var stream = OpenReadOnly(path);
        long length = stream.Length;
        if (length > limit)
            throw new IOException($"file grew beyond {limit / (1024 * 1024)} MB while being read");
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>An original, opened for reading only and shared with whoever else has it open.</summary>
    static FileStream OpenReadOnly(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.SequentialScan,
    });

    async Task WriteAllAsync(ChannelReader<PhotoOutcome> reader, Tally tally, List<PathProblem> failures, Stopwatch started,
        IProgress<IndexProgress>? progress)
    {
        var batch = new List<PhotoOutcome>(_options.BatchSize);
        var batchStarted = Stopwatch.StartNew();
        int saved = 0;
        try
        {
            // Each photo is written once whatever happens to the run; a cancelled run still writes what it finished.
            // A finished photo waits at most MaxBatchDelay, also while no other comes: a worker sharing the work
            // that waits for others' claims must not hold its own, which others may be waiting for in turn.
            while (true)
            {
                var next = reader.WaitToReadAsync(CancellationToken.None).AsTask();
                if (batch.Count > 0)
                {
                    var due = _options.MaxBatchDelay - batchStarted.Elapsed;
                    if (due <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(due)) != next)
                        saved += Flush(batch);
                }
                if (!await next) break;
                while (reader.TryRead(out var outcome))
                {
                    if (batch.Count == 0) batchStarted.Restart();
                    batch.Add(outcome);
                    tally.Count(outcome, failures);
                    progress?.Report(tally.Snapshot(started.Elapsed));
                    if (batch.Count >= _options.BatchSize || batchStarted.Elapsed >= _options.MaxBatchDelay)
                        saved += Flush(batch);
                }
            }
            saved += Flush(batch);
        }
        catch (DiskFullException e)
        {
            throw e.WithPhotosSaved(saved);
        }
        progress?.Report(tally.Snapshot(started.Elapsed));
    }

    /// <summary>Commits <paramref name="batch"/> in one transaction and empties it; how many photos it held.</summary>
    int Flush(List<PhotoOutcome> batch)
    {
        int count = batch.Count;
        if (count == 0) return 0;
        using (Clock.Measure(Stage.Store))
            catalog.Commit(batch);
        batch.Clear();
        return count;
    }

    /// <summary>Counters written by the single writer task only.</summary>
    sealed class Tally(int total)
    {
        public int Done, Analysed, SameContent, Faces, Failed, LiveVideos;

        /// <summary>Photos found under a new path with the same content: their ids.</summary>
        public readonly HashSet<long> Moved = [];

        /// <summary>Photos read with named face regions, or with regions that could not be used.</summary>
        public readonly List<TaggedPhoto> Tagged = [];

        /// <summary>Photos to do in all: what this run found, or, with shared work, what it did and what is left.</summary>
        public int Total { get => Volatile.Read(ref total); set => Volatile.Write(ref total, value); }

        public void Count(PhotoOutcome outcome, List<PathProblem> failures)
        {
            Done++;
            switch (outcome)
            {
                case PhotoOutcome.Analysed a:
                    Analysed++;
                    Faces += a.Analysis.Faces.Count;
                    if (a.Analysis.Format == LivePhotos.VideoFormat) LiveVideos++;
                    break;
                case PhotoOutcome.Unchanged u:
                    SameContent++;
                    if (u.MovedFrom is not null) Moved.Add(u.PhotoId);
                    break;
                case PhotoOutcome.Failed f: Failed++; failures.Add(new PathProblem(f.File.Path, f.Reason)); break;
            }
            if (!outcome.Tags.IsEmpty) Tagged.Add(new TaggedPhoto(outcome.File.Path, outcome.Tags));
        }

        public IndexProgress Snapshot(TimeSpan elapsed) => new(Done, Math.Max(Done, Total), Faces, Failed, elapsed);
    }
}
