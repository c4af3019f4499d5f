using System.Diagnostics;

namespace FaceAtlas.Core.Faces;

/// <summary>The stages of indexing a photo, timed separately for the benchmark.</summary>
public enum Stage { Read, Decode, Detect, Landmarks, Embed, Attributes, Store }

/// <summary>Thread-safe totals of time spent per stage.</summary>
public sealed class StageClock
{
    readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];
    readonly long[] _counts = new long[Enum.GetValues<Stage>().Length];

    public void Add(Stage stage, long elapsedTicks)
    {
        Interlocked.Add(ref _ticks[(int)stage], elapsedTicks);
        Interlocked.Increment(ref _counts[(int)stage]);
    }

    /// <summary>How many times a stage was timed (per photo or per face, as the stage is).</summary>
    public long Count(Stage stage) => Interlocked.Read(ref _counts[(int)stage]);

    public TimeSpan Total(Stage stage) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>Times a block: <c>using (clock.Measure(Stage.Decode)) { ... }</c>.</summary>
    public Lap Measure(Stage stage) => new(this, stage, Stopwatch.GetTimestamp());

    public readonly struct Lap(StageClock? clock, Stage stage, long start) : IDisposable
    {
        public void Dispose() => clock?.Add(stage, Stopwatch.GetTimestamp() - start);
    }
}
