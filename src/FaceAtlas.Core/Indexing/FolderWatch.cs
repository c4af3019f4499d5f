namespace FaceAtlas.Core.Indexing;

/// <summary>
/// Says when photo folders may have changed: on a file system event (inotify, through FileSystemWatcher) once the
/// folders have been quiet for a moment, and in any case every <c>rescanEvery</c>, which covers what watchers miss
/// (network shares, an overflowed event queue, a folder too deep or too large to watch). Made before the first pass,
/// so a change during it is not missed.
/// </summary>
public sealed class FolderWatch : IDisposable
{
    readonly List<FileSystemWatcher> _watchers = [];
    readonly TimeSpan _quiet, _rescanEvery;
    readonly SemaphoreSlim _signal = new(0);
    long _lastEvent = Environment.TickCount64, _lastPass = Environment.TickCount64;
    int _changed;

    /// <summary>Folders (or files' folders) that could not be watched, and why: only the rescan covers them.</summary>
    public IReadOnlyList<string> Unwatched { get; }

    public FolderWatch(IReadOnlyList<string> roots, TimeSpan quiet, TimeSpan rescanEvery)
    {
        (_quiet, _rescanEvery) = (quiet, rescanEvery);
        var unwatched = new List<string>();
        foreach (var root in roots.Select(Path.GetFullPath))
        {
            bool isFile = File.Exists(root);
            var folder = isFile ? Path.GetDirectoryName(root)! : root;
            try
            {
                var watcher = new FileSystemWatcher(folder)
                {
                    IncludeSubdirectories = !isFile,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                    InternalBufferSize = 64 * 1024,
                };
                if (isFile) watcher.Filters.Add(Path.GetFileName(root) + "*"); // the photo and its sidecar
                watcher.Changed += (_, _) => Changed();
                watcher.Created += (_, _) => Changed();
                watcher.Deleted += (_, _) => Changed();
                watcher.Renamed += (_, _) => Changed();
                watcher.Error += (_, _) => Changed(); // an overflow: something changed, we do not know what
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                unwatched.Add($"{folder}: {e.Message}");
            }
        }
        Unwatched = unwatched;
    }

    void Changed()
    {
        Interlocked.Exchange(ref _lastEvent, Environment.TickCount64);
        Interlocked.Exchange(ref _changed, 1);
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    /// <summary>
    /// Waits until another pass is due: something changed and the folders have been quiet for the quiet time, or
    /// <paramref name="retryAfter"/> has passed (photos left because they were still being written), or the rescan
    /// time. Changes seen from now on count for the next pass.
    /// </summary>
    public async Task WaitAsync(TimeSpan? retryAfter, CancellationToken cancel)
    {
        long started = Environment.TickCount64;
        while (true)
        {
            long now = Environment.TickCount64;
            long due = Interlocked.Read(ref _lastPass) + (long)_rescanEvery.TotalMilliseconds;
            if (retryAfter is { } retry) due = Math.Min(due, started + (long)retry.TotalMilliseconds);
            if (Volatile.Read(ref _changed) == 1)
                due = Math.Min(due, Interlocked.Read(ref _lastEvent) + (long)_quiet.TotalMilliseconds);
            if (now >= due) break;
            await _signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(due - now, int.MaxValue)), cancel);
        }
        Interlocked.Exchange(ref _changed, 0);
        Interlocked.Exchange(ref _lastPass, Environment.TickCount64);
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _signal.Dispose();
    }
}
