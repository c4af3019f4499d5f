namespace FaceAtlas.Cli.Tests;

/// <summary>
/// Photos and videos from real phones and cameras (public decoder test suites: iPhone 7 to 15 Pro HEICs with tiled
/// grids, rotations, depth and gain maps, Samsung and Xiaomi HEIFs, AVIF, JPEG XL, DNG, CRW, KDC, CR3, phone MOV and
/// 3GP, Live Photo pairs), indexed by the program: each upright at the size, and dated as, <c>DeviceMedia.tsv</c>
/// says (orientation checked by eye, dates against exiftool). The files are not in the repository: the folder
/// <c>../shared/datasets/device-media</c>, or the one <c>FACEATLAS_DEVICE_MEDIA</c> names; skipped without it.
/// </summary>
public sealed class DeviceMediaTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    internal static string? Folder =>
        Environment.GetEnvironmentVariable("FACEATLAS_DEVICE_MEDIA") is { Length: > 0 } chosen ? chosen
        : Directory.Exists(Datasets.At("device-media")) ? Datasets.At("device-media") : null;

    [DeviceMediaFact]
    public void Should_ReadEveryPhoneAndCameraFileUprightAndDated()
    {
        var folder = Folder!;
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "DeviceMedia.tsv")).Where(l => !l.StartsWith('#')).ToList();

        var run = Cli.Run("index", folder, "--catalog", _temp.File("c.db"), "--no-cluster");

        Assert.True(run.Exit is 0 or 3, run.Err);
        Assert.Equal(expected, CatalogSnapshot.PhotoFacts(_temp.File("c.db")));
    }
}

/// <summary>Skipped, saying where the files go, without the device media or ffmpeg.</summary>
public sealed class DeviceMediaFactAttribute : FactAttribute
{
    public DeviceMediaFactAttribute()
    {
        if (DeviceMediaTests.Folder is null)
            Skip = "no device media: put the files into ../shared/datasets/device-media, or name their folder with FACEATLAS_DEVICE_MEDIA";
        else if (!MediaTools.Has("ffmpeg"))
            Skip = "ffmpeg not found (apt-get install ffmpeg)";
    }
}
