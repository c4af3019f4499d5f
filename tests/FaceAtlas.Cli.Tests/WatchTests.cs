using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FaceAtlas.Cli.Tests;

/// <summary><c>index --watch</c>: the catalog follows a folder as photos arrive, leave and move, and survives a kill.</summary>
public sealed class WatchTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Folder => _temp.File("photos");
    string Catalog => _temp.File("c.db");

    /// <summary>A running watcher and every line it has written.</summary>
    sealed class Watcher : IDisposable
    {
        public readonly Process Process;
        public readonly ConcurrentQueue<string> Lines = new();

        public Watcher(string folder, string catalog)
        {
            Process = Cli.Start("index", folder, "--watch", "--rescan", "60", "--catalog", catalog);
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue("stderr: " + e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public string Output => string.Join('\n', Lines);

        public void WaitFor(string text, TimeSpan? timeout = null) =>
            Until(() => Output.Contains(text, StringComparison.Ordinal), $"'{text}' in the watcher's output:\n{Output}", timeout);

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    static void Until(Func<bool> done, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(90))) Assert.Fail($"waited {clock.Elapsed.TotalSeconds:F0} s for {what}");
            Thread.Sleep(250);
        }
    }

    /// <summary>The catalog's faces: id, file name, box.</summary>
    List<(long Id, string File, string Box)> Faces() => Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", Catalog])
        .Select(f => (f.GetProperty("face").GetInt64(), Path.GetFileName(f.GetProperty("file").GetString()!), f.GetProperty("box").GetRawText()))
        .ToList();

    HashSet<string> Files() => Faces().Select(f => f.File).ToHashSet();

    static string Photo(string name) => Datasets.At("deepface-tests", "person_01", name);

    /// <summary>Photos analysed in all, from the first report and each later pass's line.</summary>
    static int Analysed(string output) =>
        Regex.Matches(output, @"analysed\s+(\d+)").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [DatasetFact]
    public async Task Should_FollowTheFolder_When_PhotosArriveLeaveAndMove_AndLoseNothing_When_Killed()
    {
        Directory.CreateDirectory(Folder);
        File.Copy(Photo("img1.jpg"), Path.Combine(Folder, "img1.jpg"));
        File.Copy(Photo("img2.jpg"), Path.Combine(Folder, "img2.jpg"));
        using (var watcher = new Watcher(Folder, Catalog))
        {
            watcher.WaitFor("for changes (Ctrl+C to stop)", TimeSpan.FromMinutes(3));
            Assert.Contains("analysed   2", watcher.Output);

            // When: two photos copied in at once, and one slowly, in chunks, over four seconds
            File.Copy(Photo("img4.jpg"), Path.Combine(Folder, "img4.jpg"));
            File.Copy(Photo("img5.jpg"), Path.Combine(Folder, "img5.jpg"));
            var bytes = await File.ReadAllBytesAsync(Photo("img6.jpg"));
            await using (var slow = new FileStream(Path.Combine(Folder, "img6.jpg"), FileMode.CreateNew))
                for (int i = 0; i < 8; i++)
                {
                    int from = bytes.Length * i / 8, to = bytes.Length * (i + 1) / 8;
                    await slow.WriteAsync(bytes.AsMemory(from, to - from));
                    await slow.FlushAsync();
                    await Task.Delay(500);
                }

            // Then: all five are in the catalog within seconds, each analysed once, none read half-written
            Until(() => Files().SetEquals(["img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg"]), "the five photos in the catalog");
            Until(() => Analysed(watcher.Output) == 5, $"five photos analysed in all:\n{watcher.Output}", TimeSpan.FromSeconds(20));
            Assert.DoesNotMatch(@"failed [1-9]", watcher.Output);
            var before = Faces();

            // When: one deleted, one renamed
            File.Delete(Path.Combine(Folder, "img2.jpg"));
            File.Move(Path.Combine(Folder, "img4.jpg"), Path.Combine(Folder, "renamed.jpg"));

            // Then: the catalog follows; the renamed photo keeps its faces (same ids) and is not analysed again
            Until(() => Files().SetEquals(["img1.jpg", "renamed.jpg", "img5.jpg", "img6.jpg"]), "the delete and the rename followed");
            var after = Faces();
            Assert.Equal(before.Where(f => f.File == "img4.jpg").Select(f => (f.Id, f.Box)), after.Where(f => f.File == "renamed.jpg").Select(f => (f.Id, f.Box)));
            watcher.WaitFor("moved 1, removed 1");
            Assert.Equal(5, Analysed(watcher.Output));

            // When: the watcher is killed outright
            Cli.Signal(watcher.Process, "KILL");
            watcher.Process.WaitForExit();
        }
        // ... a photo arrives while none watches, and it is started again
        File.Copy(Photo("img7.jpg"), Path.Combine(Folder, "img7.jpg"));
        using (var watcher = new Watcher(Folder, Catalog))
        {
            watcher.WaitFor("for changes (Ctrl+C to stop)", TimeSpan.FromMinutes(3));

            // Then: only the new photo is analysed, and every face is there once
            Assert.Contains("analysed   1", watcher.Output);
            var faces = Faces();
            Assert.Equal(["img1.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "renamed.jpg"], faces.Select(f => f.File).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(faces.Count, faces.Select(f => (f.File, f.Box)).Distinct().Count());

            // And: a service manager's stop ends it with status 0
            Cli.Signal(watcher.Process, "TERM");
            Assert.True(watcher.Process.WaitForExit(30_000), "the watcher did not stop on SIGTERM");
            Assert.Equal(0, watcher.Process.ExitCode);
            watcher.WaitFor("stopped watching");
        }
    }

    public void Dispose() => _temp.Dispose();
}
