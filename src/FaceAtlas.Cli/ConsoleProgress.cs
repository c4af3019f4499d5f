using FaceAtlas.Core.Indexing;

namespace FaceAtlas.Cli;

/// <summary>
/// Draws indexing progress: a live bar redrawn in place on a terminal, or a plain line every few seconds when
/// the output is redirected (a log file should not fill with carriage returns).
/// </summary>
public sealed class ConsoleProgress(TextWriter output, bool interactive, TimeProvider? clock = null) : IProgress<IndexProgress>
{
    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    readonly TimeSpan _interval = interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);
    long _lastDrawn = long.MinValue;
    IndexProgress _last;
    bool _drewLine;

    public void Report(IndexProgress value)
    {
        _last = value;
        long now = _clock.GetTimestamp();
        if (_lastDrawn != long.MinValue && _clock.GetElapsedTime(_lastDrawn, now) < _interval && value.PhotosDone < value.PhotosTotal)
            return;
        _lastDrawn = now;
        Draw(value);
    }

    /// <summary>Ends the live line so that what follows starts on a fresh one.</summary>
    public void Finish()
    {
        if (interactive && _drewLine) output.WriteLine();
        _drewLine = false;
    }

    void Draw(IndexProgress p)
    {
        var eta = p.Remaining is { } r ? Format(r) : "--:--";
        var text = $"{p.PhotosDone}/{p.PhotosTotal} photos  {p.PhotosPerSecond:F1} photos/s  {p.FacesFound} faces  {p.Failed} failed  ETA {eta}";
        if (interactive)
        {
            const int width = 24;
            int filled = p.PhotosTotal == 0 ? width : (int)((long)width * p.PhotosDone / p.PhotosTotal);
            output.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {text}\u001b[K");
            _drewLine = true;
        }
        else
        {
            output.WriteLine($"index: {text}");
        }
        output.Flush();
    }

    internal static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes:D2}:{t.Seconds:D2}";

    internal IndexProgress Last => _last;
}
