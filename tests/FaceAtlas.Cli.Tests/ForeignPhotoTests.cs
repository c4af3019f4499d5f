using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// HEIC, AVIF, JPEG XL and DNG photos indexed by the program, which decodes them in child processes of its own; broken
/// ones, and a decoder that crashes or hangs, cost their file alone.
/// </summary>
public sealed class ForeignPhotoTests : IDisposable
{
    readonly TempFolder _temp = new();
    static string FacePhoto => Datasets.At("deepface-tests", "person_01", "img1.jpg");
    string Catalog => _temp.File("c.db");

    public void Dispose() => _temp.Dispose();

    [MediaFact]
    public void Should_PutEveryFormatsFaceInOnePerson_When_OnePhotoIsSavedInEach()
    {
        // Given one photo as JPEG, HEIC, AVIF, JPEG XL and DNG, a sidecar beside them, and two broken files
        var photos = _temp.Folder("photos");
        File.Copy(FacePhoto, Path.Combine(photos, "a.jpg"));
        MediaTools.Encode(FacePhoto, Path.Combine(photos, "a.heic"));
        MediaTools.Encode(FacePhoto, Path.Combine(photos, "a.avif"));
        MediaTools.Encode(FacePhoto, Path.Combine(photos, "a.jxl"));
        using (var bitmap = TestPhotos.DecodeRgba(FacePhoto))
            File.WriteAllBytes(Path.Combine(photos, "a.dng"), DngWriter.Write(bitmap));
        var heic = File.ReadAllBytes(Path.Combine(photos, "a.heic"));
        File.WriteAllBytes(Path.Combine(photos, "cut.heic"), heic[..(heic.Length / 3)]);
        File.WriteAllText(Path.Combine(photos, "notes.cr2"), "not a raw at all\n");
        File.WriteAllText(Path.Combine(photos, "a.jpg.xmp"), "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>");

        // When they are indexed
        var run = Cli.Run("index", photos, "--catalog", Catalog);

        // Then each readable photo has its face, all in one person, with the JPEG's capture date
        Assert.Equal(3, run.Exit); // some photos failed
        var faces = Cli.JsonLines("faces", "--format", "jsonl", "--catalog", Catalog);
        var byFile = faces.ToDictionary(f => Path.GetFileName(f.GetProperty("file").GetString()!));
        Assert.Equal(["a.avif", "a.dng", "a.heic", "a.jpg", "a.jxl"], byFile.Keys.Order());
        Assert.Single(faces.Select(f => f.GetProperty("person").GetInt64()).Distinct());
        foreach (var name in new[] { "a.heic", "a.avif", "a.jxl" })
            Assert.Equal(byFile["a.jpg"].GetProperty("taken").GetString(), byFile[name].GetProperty("taken").GetString());

        // and each broken file is named with its reason and counted by kind; the sidecar is no photo
        Assert.Contains("failed     2 (1 HEIC, 1 camera RAW)", run.Out);
        Assert.Matches(@"cut\.heic: damaged or unsupported HEIC: .+", run.Out);
        Assert.Contains("notes.cr2: not an image in a supported format", run.Out);
        Assert.DoesNotContain("a.jpg.xmp", run.Out);
    }

    [MediaFact]
    public void Should_SkipTheFileAndGoOn_When_TheDecoderCrashesOrHangs()
    {
        // Given a folder with a JPEG and an AVIF, and decoders that die of a signal or never answer
        var photos = _temp.Folder("photos");
        File.Copy(FacePhoto, Path.Combine(photos, "a.jpg"));
        MediaTools.Encode(FacePhoto, Path.Combine(photos, "a.avif"));
        var crash = Script("crash.sh", "cat > /dev/null; kill -SEGV $$");
        var hang = Script("hang.sh", "exec sleep 600");

        foreach (var (decoder, reason) in new[] { (crash, "the AVIF decoder crashed on this file (SIGSEGV)"), (hang, "decoding this AVIF took longer than 2 s") })
        {
            File.Delete(Catalog);
            // When a run uses it
            using var p = Cli.Start(["index", photos, "--catalog", Catalog],
                new Dictionary<string, string> { ["FACEATLAS_DECODER"] = decoder, ["FACEATLAS_DECODE_TIMEOUT"] = "2" });
            var output = p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "index still running a minute on");

            // Then the AVIF is failed with that reason, and the JPEG indexed
            Assert.Equal(3, p.ExitCode); // some photos failed
            Assert.Contains("a.avif: " + reason, output.Result);
            Assert.Contains("faces      1 found now", output.Result);
        }
    }

    [MediaFact]
    public void Should_ServeAJpeg_When_ThePageAsksForAHeicPhoto()
    {
        var photos = _temp.Folder("photos");
        MediaTools.Encode(FacePhoto, Path.Combine(photos, "a.heic"));
        Assert.Equal(0, Cli.Run("index", photos, "--catalog", Catalog).Exit);
        var photo = Cli.JsonLines("faces", "--format", "jsonl", "--catalog", Catalog).Single().GetProperty("photo").GetInt64();

        using var server = Cli.Start(["serve", "--port", "0", "--catalog", Catalog]);
        var address = ServeAddress(server);
        using var http = new HttpClient();
        var image = http.GetAsync($"{address}/api/photos/{photo}/image?size=512").Result;

        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        using var decoded = SkiaSharp.SKBitmap.Decode(image.Content.ReadAsByteArrayAsync().Result);
        Assert.Equal(512, Math.Max(decoded.Width, decoded.Height));
        Assert.True(decoded.Height > decoded.Width); // the portrait photo, upright
        server.Kill(entireProcessTree: true);
    }

    string Script(string name, string body)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The address serve prints once it listens.</summary>
    static string ServeAddress(System.Diagnostics.Process server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && server.StandardOutput.ReadLine() is { } line)
            if (System.Text.RegularExpressions.Regex.Match(line, @"http://127\.0\.0\.1:\d+") is { Success: true } m)
                return m.Value;
        throw new TimeoutException("serve printed no address");
    }
}
