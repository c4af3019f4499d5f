namespace FaceAtlas.Cli.Tests;

/// <summary>Videos indexed by the program: faces from frames, each with its moment; dates from the container; Live Photos.</summary>
public sealed class VideoTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");
    static string Person01(string name) => Datasets.At("deepface-tests", "person_01", name);

    public void Dispose() => _temp.Dispose();

    [VideoFact]
    public void Should_PutTheVideosFaceInThePhotosPerson_When_AVideoShowsThem()
    {
        // Given a photo of a person and a slideshow video of two other photos of them, recorded on a known day
        var photos = _temp.Folder("photos");
        File.Copy(Person01("img4.jpg"), Path.Combine(photos, "photo.jpg"));
        MediaTools.Slideshow([Person01("img1.jpg"), Person01("img2.jpg")], Path.Combine(photos, "clip.mp4"), ("creation_time", "2021-06-05T14:30:00Z"));

        // When the folder is indexed
        var run = Cli.Run("index", photos, "--catalog", Catalog);

        // Then the video is one item with one face of that person (seen in two stretches, kept once), with its moment
        Assert.Equal(0, run.Exit);
        var faces = Cli.JsonLines("faces", "--format", "jsonl", "--catalog", Catalog);
        var photo = Assert.Single(faces, f => f.GetProperty("file").GetString()!.EndsWith("photo.jpg"));
        var video = Assert.Single(faces, f => f.GetProperty("file").GetString()!.EndsWith("clip.mp4"));
        Assert.Equal(photo.GetProperty("person").GetInt64(), video.GetProperty("person").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, photo.GetProperty("frame_ms").ValueKind);
        Assert.InRange(video.GetProperty("frame_ms").GetInt64(), 0, 6000);
        Assert.Equal("2021-06-05T14:30:00+00:00", video.GetProperty("taken").GetString());
        Assert.Equal("video", video.GetProperty("taken_source").GetString());

        // and a search with a photo of that person finds the video
        var hits = Cli.JsonLines("search", Person01("img5.jpg"), "--format", "jsonl", "--catalog", Catalog);
        Assert.Contains(hits, h => h.GetProperty("file").GetString()!.EndsWith("clip.mp4") && h.GetProperty("frame_ms").GetInt64() >= 0);

        // and an export puts the video in the person's folder beside the photo
        var export = _temp.Folder("export");
        Assert.Equal(0, Cli.Run("export", export, "--catalog", Catalog).Exit);
        var person = Assert.Single(Directory.GetDirectories(export));
        Assert.Equal(["clip.mp4", "photo.jpg"], Directory.GetFiles(person).Select(Path.GetFileName).Order());
    }

    [VideoFact]
    public void Should_KeepTheVideoWithItsStill_When_TheyAreALivePhoto()
    {
        // Given a still and a video of the same name sharing Apple's content identifier, and another video without one
        const string id = "1EA799FF-8384-4BC4-87AA-139A814D9125";
        var photos = _temp.Folder("photos");
        var still = File.ReadAllBytes(Person01("img1.jpg"));
        File.WriteAllBytes(Path.Combine(photos, "IMG_0001.JPG"), WithComment(still, "ContentIdentifier " + id));
        MediaTools.Slideshow([Person01("img1.jpg")], Path.Combine(photos, "IMG_0001.MOV"), ("com.apple.quicktime.content.identifier", id));
        MediaTools.Slideshow([Person01("img2.jpg")], Path.Combine(photos, "IMG_0002.MOV"), ("com.apple.quicktime.content.identifier", "another"));

        var run = Cli.Run("index", photos, "--catalog", Catalog);

        // Then the Live Photo's face is the still's alone; the other video has its own
        Assert.Equal(0, run.Exit);
        Assert.Contains("live       1 Live Photo videos kept with their stills", run.Out);
        var files = Cli.JsonLines("faces", "--format", "jsonl", "--catalog", Catalog).Select(f => Path.GetFileName(f.GetProperty("file").GetString())).Order();
        Assert.Equal(["IMG_0001.JPG", "IMG_0002.MOV"], files);
    }

    [VideoFact]
    public void Should_ReportEachBadVideoAndGoOn_When_VideosAreBrokenOrHours_Long()
    {
        // Given a truncated video, a video that is text, a ten-hour recording, one whose picture ends before its sound, and a photo
        var photos = _temp.Folder("photos");
        File.Copy(Person01("img4.jpg"), Path.Combine(photos, "photo.jpg"));
        MediaTools.Slideshow([Person01("img1.jpg")], _temp.File("whole.mp4"));
        var whole = File.ReadAllBytes(_temp.File("whole.mp4"));
        File.WriteAllBytes(Path.Combine(photos, "cut.mp4"), whole[..4000]);
        File.WriteAllText(Path.Combine(photos, "notes.mov"), "not a video\n");
        MediaTools.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=1/10", "-t", "36000", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", Path.Combine(photos, "long.mp4"));
        // Two seconds of picture and ten of sound: most of the moments looked at have no frame (ffmpeg answers nothing).
        MediaTools.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=5:d=2", "-f", "lavfi", "-i",
            "sine=frequency=440:duration=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", Path.Combine(photos, "short-picture.mp4"));

        // When indexed
        var run = Cli.Run("index", photos, "--catalog", Catalog);

        // Then each broken one is named with its reason, the long ones are read (at most 60 frames each), the photo too
        Assert.Equal(3, run.Exit);
        Assert.Contains("failed     2 (2 video)", run.Out);
        Assert.Matches(@"cut\.mp4: damaged or unsupported video: .+", run.Out);
        Assert.Matches(@"notes\.mov: damaged or unsupported video: .+", run.Out);
        Assert.Contains("analysed   3", run.Out);
        Assert.Contains("faces      1 found now", run.Out);
    }

    [VideoFact]
    public void Should_SayOnceAndKeepTheVideos_When_FfmpegIsMissing()
    {
        var photos = _temp.Folder("photos");
        File.Copy(Person01("img4.jpg"), Path.Combine(photos, "photo.jpg"));
        MediaTools.Slideshow([Person01("img1.jpg")], Path.Combine(photos, "clip.mp4"));
        Assert.Equal(0, Cli.Run("index", photos, "--catalog", Catalog).Exit);

        // When a machine without ffmpeg indexes the same folder
        using var p = Cli.Start(["index", photos, "--catalog", Catalog], new Dictionary<string, string> { ["FACEATLAS_FFMPEG"] = _temp.Path });
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        // Then it says so in one line, and the video indexed before keeps its face
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("videos     1 skipped: ffmpeg not found (apt-get install ffmpeg)", output);
        Assert.Contains("removed    0", output);
        Assert.Equal(2, Cli.JsonLines("faces", "--format", "jsonl", "--catalog", Catalog).Count);
    }

    /// <summary>The JPEG with a comment segment (COM) after its start marker.</summary>
    static byte[] WithComment(byte[] jpeg, string comment)
    {
        var text = System.Text.Encoding.ASCII.GetBytes(comment);
        int length = text.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xFE, (byte)(length >> 8), (byte)length, .. text, .. jpeg[2..]];
    }
}
