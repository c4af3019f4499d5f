using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>When each photo was taken: EXIF with its offset, else the file's date marked as such; old catalogs catch up.</summary>
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

    public void Dispose() => _temp.Dispose();
}
