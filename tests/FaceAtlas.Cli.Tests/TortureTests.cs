using System.Diagnostics;
using Xunit.Abstractions;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// The real program on the worst a folder can hold, files generated here (nothing committed): every bad input
/// reported with its reason and skipped, every good photo indexed, the run completed, memory bounded.
/// </summary>
[Trait("Category", "Slow")] // minutes each: thousands of photos indexed, killed, resumed
public sealed class TortureTests(ITestOutputHelper output) : IDisposable
{
    const long TwoGigabytes = 2L << 30;
    readonly TempFolder _temp = new();

    string Photos => _temp.File("photos");

    /// <summary>The failures an index run listed (one per line under "failed"), by file name.</summary>
    static Dictionary<string, string> ReportedFailures(string stdout)
    {
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n').Where(l => l.StartsWith("    /", StringComparison.Ordinal)))
        {
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            failures[Path.GetFileName(line[4..colon])] = line[(colon + 2)..];
        }
        return failures;
    }

    static string Sh(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = workingDirectory, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bash -c {script}: {error}");
        return error;
    }

    [DatasetFact]
    public void Should_ReportAndSkipEachBadInput_When_FolderHoldsTheBadInputCorpus()
    {
        // Given: two real photos, the same photo under hostile names, the lying and hostile files, a 0-byte file,
        // a 4 GB sparse file, a name that is not UTF-8 and a photo at the bottom of a path over 4,096 bytes
        Directory.CreateDirectory(Photos);
        var jpeg = File.ReadAllBytes(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));
        File.WriteAllBytes(Path.Combine(Photos, "real.jpg"), jpeg);
        File.Copy(Datasets.At("lfw-dev", "Aaron_Sorkin", "Aaron_Sorkin_0001.jpg"), Path.Combine(Photos, "real-2.jpg"));
        var indexed = new List<string> { "real.jpg", "real-2.jpg", "line\nbreak.jpg", "\"quoted\" it's.jpg", "tab\tand \u001b[31mescape.jpg", "naïve 写真.jpg" };
        foreach (var name in indexed.Skip(2))
            File.WriteAllBytes(Path.Combine(Photos, name), jpeg);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var faceless = new List<string>();
        foreach (var hostile in HostileFiles.Make(jpeg))
        {
            File.WriteAllBytes(Path.Combine(Photos, hostile.Name), hostile.Bytes);
            if (hostile.Reason is not null) expected[hostile.Name] = hostile.Reason;
            else (hostile.HasFace ? indexed : faceless).Add(hostile.Name);
        }
        File.WriteAllBytes(Path.Combine(Photos, "zero.jpg"), []);
        expected["zero.jpg"] = "empty file";
        using (var sparse = new FileStream(Path.Combine(Photos, "sparse-4gb.jpg"), FileMode.CreateNew))
            sparse.SetLength(4L << 30);
        expected["sparse-4gb.jpg"] = "file too large";
        Sh("cp real.jpg $'not-utf8-\\xff\\xfe.jpg'", Photos);
        expected["not-utf8-\uFFFD\uFFFD.jpg"] = "not valid UTF-8";
        // 40 folders of 120 characters: entered one by one, since no system call takes the whole path.
        Sh("for i in $(seq 40); do d=$(printf 'd%.0s' $(seq 120)); mkdir $d && cd $d; done; cp ../" + string.Concat(Enumerable.Repeat("../", 39)) + "real.jpg deep.jpg", Photos);

        // When
        var catalog = _temp.File("catalog.db");
        var (exit, stdout, stderr, peak) = Cli.RunMeasured("index", Photos, "--catalog", catalog, "--no-cluster");

        // Then: the run completes, says some photos failed, and reports each with its reason
        output.WriteLine(stdout);
        Assert.True(exit == 3, $"exit {exit}: {stderr}");
        var failures = ReportedFailures(stdout);
        foreach (var (name, reason) in expected)
        {
            Assert.True(failures.TryGetValue(DisplayText.Path(name), out var said), $"{name} not reported");
            Assert.Contains(reason, said);
        }
        var deep = failures.Where(f => f.Key.StartsWith("ddd", StringComparison.Ordinal)).ToList();
        Assert.True(deep.Count == 1, "the folder beyond 4,096 bytes is not reported");
        Assert.Contains("too long", deep[0].Value);
        // Every good photo, whatever its name, is indexed with its face
        var files = Cli.JsonLines("faces", "--catalog", catalog, "--format", "jsonl").Select(f => f.GetProperty("file").GetString()!).ToHashSet();
        foreach (var name in indexed)
            Assert.True(files.Contains(Path.Combine(Photos, name)), $"{name} not indexed");
        Assert.Equal(indexed.Count, files.Count);
        var photos = CatalogSnapshot.Photos(catalog);
        foreach (var name in faceless)
            Assert.Contains($"{Path.Combine(Photos, name)} ", photos); // in the catalog, no failure
        Assert.Equal("ok", CatalogSnapshot.Integrity(catalog));
        Assert.True(peak > 0 && peak < TwoGigabytes, $"peak memory {peak / (1 << 20)} MB");
        output.WriteLine($"bad-input corpus: {expected.Count + 1} bad inputs reported, {indexed.Count} photos indexed, peak RSS {peak / (1 << 20)} MB");
    }

    [Fact]
    public void Should_ReportEachOnceAndStayBounded_When_FolderHolds100000EmptyFiles()
    {
        // Given
        var empty = Path.Combine(Photos, "empty");
        Directory.CreateDirectory(empty);
        for (int i = 0; i < 100_000; i++)
            File.Create(Path.Combine(empty, $"{i:D6}.jpg")).Dispose();

        // When
        var catalog = _temp.File("catalog.db");
        var watch = Stopwatch.StartNew();
        var (exit, stdout, stderr, peak) = Cli.RunMeasured("index", Photos, "--catalog", catalog, "--no-cluster");
        var first = watch.Elapsed;
        watch.Restart();
        var again = Cli.Run("index", Photos, "--catalog", catalog, "--no-cluster");

        // Then: each reported as empty, once; remembered, so the second run analyses nothing; memory bounded
        Assert.True(exit == 3, $"exit {exit}: {stderr}");
        var failures = ReportedFailures(stdout);
        Assert.Equal(100_000, failures.Count);
        Assert.All(failures.Values, reason => Assert.Equal("empty file", reason));
        Assert.Contains("analysed   0", again.Out);
        Assert.Contains("unchanged  100000", again.Out);
        Assert.True(peak > 0 && peak < TwoGigabytes, $"peak memory {peak / (1 << 20)} MB");
        output.WriteLine($"100,000 empty files: first run {first.TotalSeconds:F1} s, peak RSS {peak / (1 << 20)} MB; second run {watch.Elapsed.TotalSeconds:F1} s");
    }

    [DatasetFact]
    public void Should_EndInStepWithTheFolder_When_FilesVanishOrChangeWhileIndexed()
    {
        // Given: 300 photos, and a hand that deletes, truncates, rewrites and replaces some of them while the index runs
        Directory.CreateDirectory(Photos);
        var sources = Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal)
            .SelectMany(Directory.GetFiles).Take(300).ToList();
        var names = sources.Select(s => Path.Combine(Photos, Path.GetFileName(s))).ToList();
        for (int i = 0; i < sources.Count; i++) File.Copy(sources[i], names[i]);
        var catalog = _temp.File("catalog.db");

        // When
        using var run = Cli.Start("index", Photos, "--catalog", catalog, "--no-cluster", "--threads", "2");
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        var random = new Random(300);
        int touched = 0;
        for (int i = 0; i < names.Count && !run.HasExited; i += 1 + random.Next(6), touched++)
        {
            var name = names[i];
            switch (touched % 4)
            {
                case 0: File.Delete(name); break;
                case 1: File.WriteAllBytes(name, File.ReadAllBytes(name)[..1000]); break;           // cut short
                case 2: File.WriteAllBytes(name, File.ReadAllBytes(sources[(i + 150) % sources.Count])); break; // another photo
                case 3: File.Move(name, name + ".moved.jpg"); break;                                       // renamed away
            }
            Thread.Sleep(random.Next(40));
        }
        run.WaitForExit();

        // Then: the run completes (some photos may have failed while changing) and leaves a sound catalog;
        Assert.True(run.ExitCode is 0 or 3, $"exit {run.ExitCode}: {stderr.Result}");
        Assert.True(touched >= 20, $"only {touched} files changed while the index ran");
        Assert.Equal("ok", CatalogSnapshot.Integrity(catalog));
        // the next run brings it in step: exactly what an index of the folder as it is now gives
        Cli.Run("index", Photos, "--catalog", catalog, "--no-cluster");
        var reference = _temp.File("reference.db");
        Cli.Run("index", Photos, "--catalog", reference, "--no-cluster");
        Assert.Equal(CatalogSnapshot.Photos(reference), CatalogSnapshot.Photos(catalog));
        Assert.Equal(CatalogSnapshot.Faces(reference), CatalogSnapshot.Faces(catalog));
        output.WriteLine($"{touched} files deleted, cut, rewritten or renamed during the run: first exit {run.ExitCode}; in step after the next run");
    }

    [DatasetTheory]
    [InlineData("UPDATE embeddings SET vector = 42", "faces", "--with-embedding")]
    [InlineData("UPDATE embeddings SET vector = x'0000803f'", "cluster", "--full")]
    [InlineData("UPDATE faces SET points = 'text'", "faces", "--format")]
    [InlineData("UPDATE photos SET width = 99999999999", "faces", "--format")]
    public void Should_SayTheCatalogIsDamaged_When_ARowHoldsWhatTheSchemaForbids(string damage, string command, string option)
    {
        // Given: a catalog whose rows were damaged as fuzzing damaged them (a number or a short blob where a
        // 512-float vector belongs, text for the landmark points, a width beyond 32 bits); found as cast and
        // overflow errors, now said as damage
        var catalog = _temp.File("catalog.db");
        Assert.Equal(0, Cli.Run("index", Datasets.At("lfw-dev", "Aaron_Peirsol"), "--catalog", catalog, "--no-cluster").Exit);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={catalog};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = damage;
            Assert.True(cmd.ExecuteNonQuery() > 0);
        }

        // When
        string[] args = option == "--format" ? [command, "--format", "jsonl"] : [command, option];
        var (exit, _, stderr) = Cli.Run([.. args, "--catalog", catalog]);

        // Then: exit 1 and what to do, not a stack trace
        Assert.Equal(1, exit);
        Assert.Contains("the catalog is damaged", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    public void Dispose()
    {
        // rm, not Directory.Delete: .NET can neither reach the deep folder nor name the file that is not UTF-8.
        Process.Start("rm", ["-rf", _temp.Path])!.WaitForExit();
        _temp.Dispose();
    }
}
