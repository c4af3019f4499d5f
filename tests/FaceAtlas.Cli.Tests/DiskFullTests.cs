using System.Diagnostics;

namespace FaceAtlas.Cli.Tests;

/// <summary>A small file system of its own (tmpfs) for a test to fill: it needs the right to mount, as root has.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
        else if (!SmallDisk.CanMount.Value) Skip = "needs to mount a small tmpfs (run as root, or with CAP_SYS_ADMIN) to fill a disk for real";
    }
}

/// <summary>A tmpfs of a chosen size at a folder of its own, unmounted when disposed.</summary>
internal sealed class SmallDisk : IDisposable
{
    public static readonly Lazy<bool> CanMount = new(() =>
    {
        try
        {
            using var probe = new SmallDisk(1);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    });

    public string Folder { get; } = Directory.CreateTempSubdirectory("faceatlas-small-disk-").FullName;

    public SmallDisk(int megabytes)
    {
        if (Mount("-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Folder) != 0)
        {
            Directory.Delete(Folder);
            throw new InvalidOperationException("cannot mount a tmpfs");
        }
    }

    /// <summary>Gives the file system more room, as a person freeing space would.</summary>
    public void Grow(int megabytes) => Assert.Equal(0, Mount("-o", $"remount,size={megabytes}m", Folder));

    static int Mount(params string[] args)
    {
        using var mount = Process.Start(new ProcessStartInfo("mount", args) { UseShellExecute = false, RedirectStandardError = true })!;
        mount.StandardError.ReadToEnd();
        mount.WaitForExit();
        return mount.ExitCode;
    }

    public void Dispose()
    {
        Process.Start("umount", ["-l", Folder])!.WaitForExit();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A full disk stops a command at once, in words a person can act on, and loses nothing already saved.</summary>
[Trait("Category", "Slow")] // minutes each: thousands of photos indexed, killed, resumed
public sealed class DiskFullTests : IDisposable
{
    readonly TempFolder _temp = new();

    [SmallDiskFact]
    public void Should_StopAtOnceSayWhatToDoAndResume_When_TheDiskHoldingTheCatalogFills()
    {
        // Given: the photos of 150 LFW people; an undisturbed index of them as the reference; a catalog on a 1 MB disk (room for
        // about 90 photos' faces)
        var roots = Directory.GetDirectories(Datasets.At("lfw-dev")).Order(StringComparer.Ordinal).Take(150).ToArray();
        var reference = _temp.File("reference.db");
        Assert.Equal(0, Cli.Run(["index", .. roots, "--catalog", reference, "--no-cluster"]).Exit);
        using var disk = new SmallDisk(1);
        var catalog = Path.Combine(disk.Folder, "c.db");

        // When: the disk fills during the index
        using var run = Cli.Start(["index", .. roots, "--catalog", catalog, "--no-cluster"]);
        var stderr = run.StandardError.ReadToEndAsync();
        var stdout = run.StandardOutput.ReadToEndAsync();
        bool ended = run.WaitForExit(TimeSpan.FromMinutes(3));
        if (!ended) run.Kill(entireProcessTree: true);

        // Then: it ends (it used to hang for ever) with the words, exit 1, and what was saved stays
        Assert.True(ended, "index still running 3 minutes after the disk filled: " + stdout.Result[^Math.Min(300, stdout.Result.Length)..]);
        Assert.Equal(1, run.ExitCode);
        var said = System.Text.RegularExpressions.Regex.Match(stderr.Result,
            $@"faceatlas: error: the disk holding {System.Text.RegularExpressions.Regex.Escape(catalog)} is full: (\d+) photos? (?:was|were) saved; free some space and run the same command to go on");
        Assert.True(said.Success, stderr.Result);
        Assert.DoesNotContain("SQLite Error", stderr.Result);
        int saved = int.Parse(said.Groups[1].Value);
        Assert.InRange(saved, 1, CatalogSnapshot.Count(reference, "photos") - 1);
        Assert.Equal(saved, CatalogSnapshot.Count(catalog, "photos"));

        // When: space is freed and the same command is run again
        disk.Grow(64);
        var resumed = Cli.Run(["index", .. roots, "--catalog", catalog, "--no-cluster"]);

        // Then: it goes on from there and ends as the undisturbed run did
        Assert.Equal(0, resumed.Exit);
        Assert.Matches($@"unchanged\s+{saved}\b", resumed.Out);
        Assert.Equal(CatalogSnapshot.Faces(reference), CatalogSnapshot.Faces(catalog));
        Assert.Equal(CatalogSnapshot.Count(reference, "photos"), CatalogSnapshot.Count(catalog, "photos"));
    }

    [SmallDiskFact]
    public void Should_StopWithWordsAndResumeToTheSameFolders_When_AnExportCopyFillsTheDisk()
    {
        // Given: deepface-tests indexed (20 MB of photos), exported by copy once to a roomy folder as the reference
        var catalog = _temp.File("c.db");
        Assert.Equal(0, Cli.Run(["index", Datasets.At("deepface-tests"), "--catalog", catalog]).Exit);
        var reference = _temp.File("reference");
        Assert.Equal(0, Cli.Run(["export", reference, "--mode", "copy", "--catalog", catalog]).Exit);
        using var disk = new SmallDisk(4);
        var destination = Path.Combine(disk.Folder, "people");

        // When: the same export to a 4 MB disk, then again once it has room
        var full = Cli.Run(["export", destination, "--mode", "copy", "--catalog", catalog]);
        disk.Grow(64);
        var resumed = Cli.Run(["export", destination, "--mode", "copy", "--catalog", catalog]);

        // Then: a stop in words, nothing half-copied left in the way, and the same folders as the reference
        Assert.Equal(1, full.Exit);
        Assert.Contains($"faceatlas: error: the disk holding {destination} is full; free some space and run the same command to go on", full.Err);
        Assert.Equal(0, resumed.Exit);
        Assert.DoesNotContain("in the way", resumed.Out + resumed.Err);
        Assert.Equal(Listing(reference), Listing(destination));
    }

    [SmallDiskFact]
    public async Task Should_StillShowThumbnails_When_TheDiskHoldingTheCatalogIsFull()
    {
        // Given: a catalog on a small disk, then the disk filled to the last byte by something else
        using var disk = new SmallDisk(8);
        var catalog = Path.Combine(disk.Folder, "c.db");
        Assert.Equal(0, Cli.Run(["index", Datasets.At("bbt", "identities"), "--catalog", catalog]).Exit);
        var faces = Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", catalog]).Select(f => f.GetProperty("face").GetInt64()).ToList();
        using var serve = Cli.Start(["serve", "--port", "0", "--catalog", catalog]);
        var address = (await serve.StandardOutput.ReadLineAsync())!["FaceAtlas is at ".Length..].Split(' ')[0];
        Fill(disk.Folder);
        try
        {
            // When: pages ask for thumbnails that were never made
            using var http = new HttpClient();
            var answers = await Task.WhenAll(faces.Take(6).Select(face => http.GetAsync($"{address}api/faces/{face}/thumbnail")));

            // Then: each is shown all the same (made for the request, not kept)
            Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.OK, a.StatusCode));
            Assert.All(answers, a => Assert.Equal("image/jpeg", a.Content.Headers.ContentType?.MediaType));
            foreach (var a in answers) Assert.True((await a.Content.ReadAsByteArrayAsync()).Length > 1000);
        }
        finally
        {
            serve.Kill();
        }
    }

    /// <summary>Every file under <paramref name="folder"/> with its size, by path relative to it (the manifest aside).</summary>
    static List<string> Listing(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(folder, f)} {new FileInfo(f).Length}")
            .Where(f => !f.StartsWith('.')).Order(StringComparer.Ordinal).ToList();

    /// <summary>Writes a file into <paramref name="folder"/> until its disk has no byte left.</summary>
    static void Fill(string folder)
    {
        using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
        }
        try
        {
            while (true) filler.Write(block, 0, 1);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose() => _temp.Dispose();
}
