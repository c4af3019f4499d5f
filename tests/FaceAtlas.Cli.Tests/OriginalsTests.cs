using System.Net;
using System.Security.Cryptography;

namespace FaceAtlas.Cli.Tests;

/// <summary>Originals untouched: every photo's bytes and dates are the same after everything FaceAtlas does with them.</summary>
public sealed class OriginalsTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Catalog => _temp.File("c.db");

    static Dictionary<string, (string Sha256, DateTime Written)> Fingerprints(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f,
            f => (Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), File.GetLastWriteTimeUtc(f)));

    [DatasetFact]
    public async Task Should_LeaveEveryOriginalAsItWas_When_IndexedClusteredExportedServedAndForgotten()
    {
        // Given: writable copies of real photos (a read-only original would hide a write attempt instead of showing it)
        var photos = Directory.CreateDirectory(_temp.File("photos")).FullName;
        foreach (var dir in new[] { Datasets.At("deepface-tests", "person_01"), Datasets.At("deepface-tests", "person_03"), Datasets.At("bbt", "group") })
            foreach (var f in Directory.GetFiles(dir))
                File.Copy(f, Path.Combine(photos, Path.GetFileName(dir) + "-" + Path.GetFileName(f)));
        var before = Fingerprints(photos);

        // When: everything that reads them
        Assert.Equal(0, Cli.Run(["index", photos, "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["cluster", "--full", "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["export", _temp.File("linked"), "--catalog", Catalog]).Exit);             // hard links: same inodes
        Assert.Equal(0, Cli.Run(["export", _temp.File("copied"), "--mode", "copy", "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["people", "list", "--thumbnails", "--catalog", Catalog]).Exit);
        var people = Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", Catalog]);
        using (var serve = Cli.Start(["serve", "--port", "0", "--catalog", Catalog]))
        {
            var address = (await serve.StandardOutput.ReadLineAsync())!["FaceAtlas is at ".Length..].Split(' ')[0];
            using var http = new HttpClient();
            foreach (var face in Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", Catalog]))
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{address}api/photos/{face.GetProperty("photo").GetInt64()}/image?size=256")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{address}api/faces/{face.GetProperty("face").GetInt64()}/thumbnail")).StatusCode);
            }
            serve.Kill();
        }
        Assert.Equal(0, Cli.Run(["forget", "--person", people[0].GetProperty("person").GetInt64().ToString(), "--catalog", Catalog]).Exit);
        Assert.Equal(0, Cli.Run(["index", photos, "--catalog", Catalog]).Exit);

        // Then
        Assert.Equal(before, Fingerprints(photos));
    }

    public void Dispose() => _temp.Dispose();
}
