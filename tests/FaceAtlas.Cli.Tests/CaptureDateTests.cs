using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// When each photo was taken: EXIF with its offset, else XMP, else the file's name, else the file's date marked as
/// such; old catalogs catch up.
/// </summary>
public sealed class CaptureDateTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    Dictionary<string, (string? Taken, string? Source)> Dates() =>
        Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", Catalog])
            .ToDictionary(f => Path.GetFileName(f.GetProperty("file").GetString()!),
                f => (f.GetProperty("taken").ValueKind == JsonValueKind.Null ? null : f.GetProperty("taken").GetString(),
                      f.GetProperty("taken_source").ValueKind == JsonValueKind.Null ? null : f.GetProperty("taken_source").GetString()));

    [DatasetFact]
    public void Should_DateEveryPhoto_When_Indexed_AndDateOldOnesWithoutAnalysingThemAgain()
    {
        var folder = Datasets.At("deepface-tests", "person_01");
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]).Exit);

        var dates = Dates();

        // img1.jpg records DateTimeOriginal 2019:07:20 17:45:22 with OffsetTimeOriginal -07:00 (exiftool reads the same).
        Assert.Equal(("2019-07-20T17:45:22-07:00", "exif"), dates["img1.jpg"]);
        var plain = dates.First(d => d.Value.Source == "file");
        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(folder, plain.Key))).ToLocalTime();
        Assert.Equal(written.ToString("yyyy-MM-dd'T'HH:mm:sszzz"), plain.Value.Taken);

        // Given: the catalog as a version before dates left it
        using (var connection = new SqliteConnection($"Data Source={Catalog};Pooling=false"))
        {
            connection.Open();
            using var forget = connection.CreateCommand();
            forget.CommandText = "UPDATE photos SET taken = NULL, taken_source = NULL";
            forget.ExecuteNonQuery();
        }
        Assert.All(Dates().Values, d => Assert.Null(d.Taken));

        // When: indexed again
        var (exit, output, _) = Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]);

        // Then: the dates are back, and no photo was analysed again
        Assert.Equal(0, exit);
        Assert.Contains("analysed   0", output);
        Assert.Equal(dates, Dates());
    }

    /// <summary>Copies LFW photos (they carry no EXIF, nor XMP) into a folder of their own under the names given.</summary>
    string PhotosNamed(params string[] names)
    {
        var folder = _temp.Folder("photos");
        string[] sources = ["Aaron_Eckhart/Aaron_Eckhart_0001.jpg", "AJ_Cook/AJ_Cook_0001.jpg", "Aaron_Patterson/Aaron_Patterson_0001.jpg", "Aaron_Peirsol/Aaron_Peirsol_0001.jpg"];
        for (int i = 0; i < names.Length; i++)
            File.Copy(Datasets.At(["lfw-dev", .. sources[i].Split('/')]), Path.Combine(folder, names[i]));
        return folder;
    }

    [DatasetFact]
    public void Should_DateAPhotoByItsName_When_ItRecordsNoDate()
    {
        // Given: photos without EXIF under the names a phone, Pixel and WhatsApp give them, and one under a plain name
        var folder = PhotosNamed("IMG_20190704_153000.jpg", "PXL_20190704_153000123.jpg", "IMG-20190704-WA0001.jpg", "Aaron_Peirsol_0001.jpg");

        // When
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]).Exit);

        // Then: the camera's clock as the name says it (a Pixel's in UTC), WhatsApp's day alone, and the file's date last
        var dates = Dates();
        Assert.Equal(("2019-07-04T15:30:00", "filename"), dates["IMG_20190704_153000.jpg"]);
        Assert.Equal(("2019-07-04T15:30:00+00:00", "filename"), dates["PXL_20190704_153000123.jpg"]);
        Assert.Equal(("2019-07-04", "filename"), dates["IMG-20190704-WA0001.jpg"]);
        Assert.Equal("file", dates["Aaron_Peirsol_0001.jpg"].Source);
    }

    [DatasetFact]
    public void Should_DateAPhotoByItsName_When_AnOlderVersionDatedItByItsFile()
    {
        // Given: a catalog where, as a version before names were read left it, both photos are dated by their files
        var folder = PhotosNamed("IMG_20190704_153000.jpg", "Aaron_Peirsol_0001.jpg");
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]).Exit);
        using (var connection = new SqliteConnection($"Data Source={Catalog};Pooling=false"))
        {
            connection.Open();
            using var old = connection.CreateCommand();
            old.CommandText = "UPDATE photos SET taken = '2026-12-04T09:12:44+01:00', taken_source = 'file', indexed_at = '2026-12-04T08:12:44.0000000Z'";
            old.ExecuteNonQuery();
        }

        // When: indexed again
        var (exit, output, _) = Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]);

        // Then: the photo whose name has a date is dated by it, without being analysed again; the other is not read
        Assert.Equal(0, exit);
        Assert.Contains("analysed   0", output);
        var dates = Dates();
        Assert.Equal(("2019-07-04T15:30:00", "filename"), dates["IMG_20190704_153000.jpg"]);
        Assert.Equal(("2026-12-04T09:12:44+01:00", "file"), dates["Aaron_Peirsol_0001.jpg"]);
        using (var connection = new SqliteConnection($"Data Source={Catalog};Pooling=false"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT path FROM photos WHERE indexed_at = '2026-12-04T08:12:44.0000000Z'";
            using var rows = read.ExecuteReader();
            Assert.True(rows.Read());
            Assert.Equal("Aaron_Peirsol_0001.jpg", Path.GetFileName(rows.GetString(0)));
            Assert.False(rows.Read());
        }
    }

    [ExiftoolFact]
    public void Should_DateAPhotoByItsXmp_When_ItHasNoExif()
    {
        // Given: photos without EXIF whose XMP says when they were taken (with an offset), digitised (without one),
        // or only which day; the first under a name that carries another date
        var folder = PhotosNamed("IMG_20190704_153000.jpg", "scan.jpg", "day.jpg");
        Exiftool.Run("-q", "-overwrite_original", "-XMP-photoshop:DateCreated=2018:05:06 07:08:09+03:00", Path.Combine(folder, "IMG_20190704_153000.jpg"));
        Exiftool.Run("-q", "-overwrite_original", "-XMP-xmp:CreateDate=2017:01:02 03:04:05", Path.Combine(folder, "scan.jpg"));
        Exiftool.Run("-q", "-overwrite_original", "-XMP-photoshop:DateCreated=2016:03:04", Path.Combine(folder, "day.jpg"));
        Assert.Contains("<photoshop:DateCreated>2016-03-04</photoshop:DateCreated>", Exiftool.Run("-b", "-xmp", Path.Combine(folder, "day.jpg")));

        // When
        Assert.Equal(0, Cli.Run(["index", folder, "--catalog", Catalog, "--no-cluster"]).Exit);

        // Then: the XMP before the name
        var dates = Dates();
        Assert.Equal(("2018-05-06T07:08:09+03:00", "xmp"), dates["IMG_20190704_153000.jpg"]);
        Assert.Equal(("2017-01-02T03:04:05", "xmp"), dates["scan.jpg"]);
        Assert.Equal(("2016-03-04", "xmp"), dates["day.jpg"]);
    }

    public void Dispose() => _temp.Dispose();
}
