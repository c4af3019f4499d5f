using System.Diagnostics;

namespace FaceAtlas.Vision;

/// <summary>The stages of indexing a photo, timed separately for the benchmark.</summary>
public enum Stage { Read, Decode, Detect, Landmarks, Embed, Store }

/// <summary>Thread-safe totals of time spent per stage.</summary>
public sealed class StageClock
{
    readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];

    public void Add(Stage stage, long elapsedTicks) => Interlocked.Add(ref _ticks[(int)stage], elapsedTicks);

    public TimeSpan Total(Stage stage) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>Times a block: <c>using (clock.Measure(Stage.Decode)) { ... }</c>.</summary>
    public Lap Measure(Stage stage) => new(this, stage, Stopwatch.GetTimestamp());

    public readonly struct Lap(StageClock? clock, Stage stage, long start) : IDisposable
    {
        public void Dispose() => clock?.Add(stage, Stopwatch.GetTimestamp() - start);
    }
}
