using System.Diagnostics;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

public sealed class IndexCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    /// <summary>LFW folders of the first people alphabetically: a few hundred small photos, read in place.</summary>
    static string[] LfwFolders(int people) =>
        Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal).Take(people).ToArray();

    [Theory]
    [InlineData("index", "", "PATH: a path is empty")]
    [InlineData("export", "", "DEST: a path is empty")]
    [InlineData("eval", "", "LABELED_DIR: a path is empty")]
    [InlineData("faces", "--catalog", "--catalog: the path is empty")]
    public void Should_RefuseAnEmptyPath_When_AShellVariableExpandedToNothing(string command, string path, string message)
    {
        var run = Cli.Run(path == "--catalog" ? [command, path, ""] : [command, path, "--catalog", _temp.File("c.db")]);

        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err);
        Assert.DoesNotContain("   at ", run.Err); // a message, not a stack trace
        Assert.False(File.Exists(_temp.File("c.db")));
    }

    [Theory]
    [InlineData("--top", "-3", "--top must be at least 1")]
    [InlineData("--top", "0", "--top must be at least 1")]
    [InlineData("--face", "0", "--face counts from 1")]
    [InlineData("--min-similarity", "2", "--min-similarity is a cosine similarity, from -1 to 1")]
    [InlineData("--min-quality", "1.5", "--min-quality is from 0 to 1")]
    [InlineData("people suggest --top", "-1", "--top must be at least 1")]
    [InlineData("export DEST --min-faces", "0", "--min-faces must be at least 1")]
    public void Should_RefuseACountOrRangeOutOfBounds_When_Given(string option, string value, string message)
    {
        // --top -3 used to end in an unhandled exception from deep in the search
        var words = option.Split(' ').Select(w => w == "DEST" ? _temp.File("out") : w).ToList();
        string[] command = words.Count > 1 ? [.. words, value] : ["search", "--person", "1", option, value];
        var run = Cli.Run([.. command, "--catalog", _temp.File("c.db")]);

        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }

    [DatasetTheory]
    [Trait("Category", "Slow")]
    [InlineData("KILL")] // a crash, a power cut
    [InlineData("TERM")] // a service manager's stop (systemd, a container): handled as Ctrl+C
    public void Should_EndWithExactlyTheFacesOfAnUninterruptedRun_When_StoppedAndRestarted(string signal)
    {
        // Given: an uninterrupted run as the reference
        var roots = LfwFolders(150);
        var reference = _temp.File("reference.db");
        Assert.Equal(0, Cli.Run(["index", .. roots, "--catalog", reference]).Exit);

        // When: a run is stopped by the signal three times, each time after some photos were committed, then resumed
        var stopped = _temp.File("stopped.db");
        int stoppedMidRun = 0;
        for (int stop = 1; stop <= 3; stop++)
        {
            long before = CatalogSnapshot.Count(stopped, "photos");
            using var run = Cli.Start(["index", .. roots, "--catalog", stopped]);
            var stderr = run.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (!run.HasExited && CatalogSnapshot.Count(stopped, "photos") <= before && watch.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(20);
            Thread.Sleep(150 * stop); // land the signal at different moments: inside a batch, between batches
            if (!run.HasExited)
            {
                Cli.Signal(run, signal);
                Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), $"index still running 30 s after SIG{signal}");
                // A stop that lands after the last photo's commit and the grouping finds nothing to cut short: the
                // run ends done (exit 0, every photo there) and proves nothing about resuming, so it is not counted.
                bool finished = signal == "TERM" && run.ExitCode == 0;
                if (finished)
                    Assert.Equal(CatalogSnapshot.Count(reference, "photos"), CatalogSnapshot.Count(stopped, "photos"));
                else
                    stoppedMidRun++;
                if (signal == "TERM" && !finished)
                {
                    Assert.Equal(130, run.ExitCode);
                    Assert.Contains("index: interrupted", stderr.Result); // while indexing, or while grouping faces
                }
            }
            run.WaitForExit();
        }
        Assert.True(stoppedMidRun >= 2, $"only {stoppedMidRun} of 3 signals landed while indexing; the test proves too little");
        var final = Cli.Run(["index", .. roots, "--catalog", stopped]);

        // Then: the same faces, boxes equal, each with its embedding, no duplicates
        Assert.Equal(0, final.Exit);
        var expected = CatalogSnapshot.Faces(reference);
        var actual = CatalogSnapshot.Faces(stopped);
        Assert.True(expected.Count > 150, $"reference has only {expected.Count} faces");
        Assert.Equal(expected, actual);
        Assert.Equal(CatalogSnapshot.Count(reference, "photos"), CatalogSnapshot.Count(stopped, "photos"));
    }

    [DatasetFact]
    public void Should_SayRemovedPhotosMayBeLeftOut_When_AFolderBecomesACache()
    {
        // Given: two folders of photos indexed, then one of them tagged as a cache (CACHEDIR.TAG)
        var photos = _temp.File("photos");
        foreach (var person in new[] { "person_01", "person_02" })
        {
            Directory.CreateDirectory(Path.Combine(photos, person));
            foreach (var file in Directory.GetFiles(Datasets.At("deepface-tests", person)).Take(2))
                File.Copy(file, Path.Combine(photos, person, Path.GetFileName(file)));
        }
        var catalog = _temp.File("c.db");
        var first = Cli.Run(["index", photos, "--catalog", catalog, "--no-cluster"]);
        File.WriteAllText(Path.Combine(photos, "person_02", "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n");

        // When
        var second = Cli.Run(["index", photos, "--catalog", catalog, "--no-cluster"]);

        // Then: the two photos there are forgotten, and the report does not call them files gone
        Assert.Equal(0, first.Exit);
        Assert.Contains("removed    0 (files gone)", first.Out);
        Assert.Equal(0, second.Exit);
        Assert.Contains("removed    2 (files gone, or left out below)", second.Out);
        Assert.Contains("left out   " + Path.Combine(photos, "person_02"), second.Out);
    }

    [DatasetFact]
    public void Should_RefuseClearly_When_AnotherIndexIsWritingTheCatalog()
    {
        // Given: an index running
        var catalog = _temp.File("c.db");
        using var first = Cli.Start(["index", .. LfwFolders(300), "--catalog", catalog]);
        var watch = Stopwatch.StartNew();
        while (!File.Exists(catalog + ".lock") && watch.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(10);

        // When
        var second = Cli.Run(["index", Datasets.At("bbt", "group"), "--catalog", catalog]);
        bool firstStillRunning = !first.HasExited;
        first.WaitForExit();

        // Then
        Assert.True(firstStillRunning, "the first index ended before the second started; the test proves nothing");
        Assert.Equal(4, second.Exit);
        Assert.Contains("another index is already writing", second.Err);
        Assert.Equal(0, first.ExitCode);
    }

    [DatasetFact]
    public void Should_ListFacesAsJsonLines_When_FormatIsJsonl()
    {
        // Given
        var catalog = _temp.File("c.db");
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "group"), "--catalog", catalog, "--no-cluster"]).Exit);

        // When
        var (exit, output, _) = Cli.Run(["faces", "--catalog", catalog, "--format", "jsonl", "--with-embedding"]);

        // Then: one object per line with the documented fields
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 15, $"only {lines.Length} faces in bbt/group");
        foreach (var line in lines)
        {
            var face = JsonDocument.Parse(line).RootElement;
            Assert.True(face.GetProperty("face").GetInt64() > 0);
            var file = face.GetProperty("file").GetString()!;
            Assert.True(Path.IsPathRooted(file) && File.Exists(file), file);
            var box = face.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(4, box.Length);
            Assert.True(box[2] > 0 && box[3] > 0);
            Assert.InRange(face.GetProperty("score").GetDouble(), 0.65, 1.0);
            Assert.Equal(JsonValueKind.Null, face.GetProperty("person").ValueKind); // not clustered (--no-cluster)
            var embedding = face.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(512, embedding.Length);
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => v * v)), 3);
        }
    }

    [DatasetFact]
    public void Should_ExitWithSomeFailed_When_APhotoIsBad()
    {
        var photos = Directory.CreateDirectory(_temp.File("photos")).FullName;
        File.Copy(Datasets.At("lfw-dev", "Aaron_Sorkin", "Aaron_Sorkin_0001.jpg"), Path.Combine(photos, "good.jpg"));
        File.WriteAllText(Path.Combine(photos, "bad.jpg"), "not a photo");

        var (exit, output, _) = Cli.Run(["index", photos, "--catalog", _temp.File("c.db")]);

        Assert.Equal(3, exit);
        Assert.Contains($"{Path.Combine(photos, "bad.jpg")}: not an image", output);
        Assert.Contains("failed     1", output);
    }

    [Fact]
    public void Should_ExplainAndExitWithUsage_When_ArgumentsAreWrong()
    {
        var missing = Cli.Run(["index"]);
        var unknown = Cli.Run(["index", "/tmp", "--no-such-option"]);

        Assert.Equal(2, missing.Exit);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("--no-such-option", unknown.Err);
    }

    [Fact]
    public void Should_SayHowToStart_When_ListingFacesWithoutCatalog()
    {
        var (exit, _, err) = Cli.Run(["faces", "--catalog", _temp.File("none.db")]);

        Assert.Equal(1, exit);
        Assert.Contains("no catalog at", err);
        Assert.False(File.Exists(_temp.File("none.db")));
    }

    [Fact]
    public void Should_UseEnvironmentCatalog_When_NoOptionGiven()
    {
        var path = _temp.File("from-env.db");
        Environment.SetEnvironmentVariable("FACEATLAS_CATALOG", path);
        try
        {
            Assert.Equal(path, CatalogLocation.Resolve(null));
            Assert.Equal(_temp.File("x.db"), CatalogLocation.Resolve(_temp.File("x.db")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FACEATLAS_CATALOG", null);
        }
    }

    [DatasetFact]
    public async Task Should_PublishProgressBesideTheLock_When_Running()
    {
        // Given: a run long enough to publish (every 2 seconds)
        var catalog = _temp.File("c.db");
        var writer = catalog + ".writer";
        using var run = Cli.Start(["index", .. LfwFolders(150), "--catalog", catalog, "--no-cluster"]);
        var seen = new List<string>();

        // When: the file is read while it runs, as serve reads it
        while (!run.HasExited)
        {
            try
            {
                var text = await File.ReadAllTextAsync(writer);
                if (text.Contains('\n')) seen.Add(text);
            }
            catch (IOException)
            {
            }
            await Task.Delay(200);
        }

        // Then: "PID\ndone total faces", counting up, and gone once the run ends
        Assert.Equal(0, run.ExitCode);
        Assert.NotEmpty(seen);
        var parts = seen[^1].Split('\n')[1].Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(run.Id.ToString(), seen[^1].Split('\n')[0]);
        Assert.Equal(3, parts.Length);
        Assert.InRange(parts[0], 1, parts[1]);
        Assert.False(File.Exists(writer));
    }

    public void Dispose() => _temp.Dispose();
}
