using FaceAtlas.Core.Indexing;

namespace FaceAtlas.Cli.Tests;

public sealed class ConsoleProgressTests
{
    sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public void Should_WritePlainLinesEveryFewSeconds_When_OutputIsRedirected()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        var progress = new ConsoleProgress(output, interactive: false, clock);

        progress.Report(new IndexProgress(1, 10, 2, 0, TimeSpan.FromSeconds(1)));
        clock.Ticks += TimeSpan.FromSeconds(1).Ticks;
        progress.Report(new IndexProgress(2, 10, 3, 0, TimeSpan.FromSeconds(2)));   // too soon: not drawn
        clock.Ticks += TimeSpan.FromSeconds(5).Ticks;
        progress.Report(new IndexProgress(5, 10, 6, 1, TimeSpan.FromSeconds(7)));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.Equal("index: 5/10 photos  0.7 photos/s  6 faces  1 failed  ETA 00:07", lines[1]);
    }

    [Fact]
    public void Should_RedrawOneLineWithBar_When_OnATerminal()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true, new ManualClock());

        progress.Report(new IndexProgress(10, 10, 12, 0, TimeSpan.FromSeconds(2)));
        progress.Finish();

        Assert.StartsWith("\r[########################] 10/10 photos  5.0 photos/s  12 faces", output.ToString());
        Assert.EndsWith(Environment.NewLine, output.ToString());
    }
}
