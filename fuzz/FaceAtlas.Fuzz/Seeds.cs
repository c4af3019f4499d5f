using System.Numerics;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Testing;
using FaceAtlas.Vision;
using Microsoft.Data.Sqlite;
using SkiaSharp;

namespace FaceAtlas.Fuzz;

/// <summary>
/// The starting files: small, valid and varied, since afl mutates what it is given and small inputs run fast.
/// Made here, nothing committed.
/// </summary>
public static class Seeds
{
    /// <summary>A 48x40 picture in every format the decoder reads, plus the lying and hostile files of the tests.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Photos()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(48, 40, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5), (byte)(y * 6), (byte)((x ^ y) * 8)));
        foreach (var format in new[] { SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp })
        {
            using var data = bitmap.Encode(format, 80);
            yield return ($"valid.{format.ToString().ToLowerInvariant()}", data.ToArray());
        }
        foreach (ushort compression in new ushort[] { 1, 5, 8, 32773 })
            yield return ($"valid-{compression}.tif", TiffWriter.Write(bitmap, compression));
        yield return ("valid-big-endian.tif", TiffWriter.Write(bitmap, 5, bigEndian: true, orientation: 6));
        yield return ("valid.gif", HostileFiles.Gif(16, 16, 16, 16));
        var bmp = HostileFiles.Bmp(16, 16, 16 * 16 * 3);
        yield return ("valid.bmp", bmp);

        foreach (var foreign in Foreign(bitmap))
            yield return foreign;

        using var jpegData = bitmap.Encode(SKEncodedImageFormat.Jpeg, 80);
        // The bombs are left out: their hundreds of kilobytes only slow afl down, and the header check is what they test.
        foreach (var hostile in HostileFiles.Make(jpegData.ToArray()).Where(c => c.Bytes.Length < 64 * 1024))
            yield return (hostile.Name, hostile.Bytes);
    }

    /// <summary>
    /// The picture as a DNG (written here) and, where Debian's encoders are installed, as HEIC, AVIF and JPEG XL (a
    /// recompressed JPEG, with its metadata in Brotli-compressed boxes): the containers FaceAtlas parses itself and
    /// the native decoders behind them.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Foreign(SKBitmap bitmap)
    {
        yield return ("valid.dng", DngWriter.Write(bitmap));
        yield return ("valid-preview.dng", DngWriter.Write(bitmap, orientation: 6, previewJpeg: TestPhotos.Jpeg(bitmap, 80), previewSize: (bitmap.Width, bitmap.Height)));
        if (!MediaTools.Has("heif-enc") || !MediaTools.Has("cjxl")) yield break;
        var dir = Directory.CreateTempSubdirectory("faceatlas-seeds-").FullName;
        try
        {
            var jpeg = Path.Combine(dir, "seed.jpg");
            File.WriteAllBytes(jpeg, TestPhotos.Jpeg(bitmap, 80, exifOrientation: 6));
            foreach (var extension in new[] { ".heic", ".avif", ".jxl" })
                yield return ("valid" + extension, MediaTools.Encode(jpeg, Path.Combine(dir, "seed" + extension)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A small catalog (512-byte pages) with two photos, three faces, a named person and a failed photo.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Catalogs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"faceatlas-seed-{Environment.ProcessId}.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(path + suffix);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var pageSize = c.CreateCommand();
            pageSize.CommandText = "PRAGMA page_size = 512; VACUUM;";
            pageSize.ExecuteNonQuery();
        }
        using (var catalog = SqliteCatalog.Open(path))
        {
            var random = new Random(6);
            var ada = Embedding(random); // in both photos, so that clustering makes a person of her
            FaceObservation Face(float x, float[] embedding) => new(new FaceBox(x, 10, 40, 40), 0.9f,
                new FivePoints(new Vector2(x + 10, 20), new Vector2(x + 30, 20), new Vector2(x + 20, 30), new Vector2(x + 12, 40), new Vector2(x + 28, 40)),
                embedding, new FaceAttributes(30, 0.8f, new HeadPose(5, -3, 1), 120, 0.7f));
            catalog.Commit(
            [
                new PhotoOutcome.Analysed(new PhotoFile("/photos/a.jpg", 1000, 1), [1, 2, 3], new PhotoAnalysis(200, 100, "JPEG", [Face(10, ada), Face(100, Embedding(random))])),
                new PhotoOutcome.Analysed(new PhotoFile("/photos/b.jpg", 2000, 2), [4, 5, 6], new PhotoAnalysis(200, 100, "JPEG", [Face(50, ada)])),
                new PhotoOutcome.Failed(new PhotoFile("/photos/c.jpg", 0, 3), null, "empty file"),
            ]);
            var people = new PeopleService(catalog);
            people.Cluster(full: true);
            var first = catalog.People(includeHidden: true).First();
            people.Name(first.Id, "Ada");
        }
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var checkpoint = c.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
            checkpoint.ExecuteNonQuery();
        }
        yield return ("catalog.db", File.ReadAllBytes(path));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(path + suffix);
    }

    /// <summary>A 512-D embedding of unit length, like the embedder's, in 16 distinct values so the file compresses in afl's eyes.</summary>
    static float[] Embedding(Random random)
    {
        var v = new float[512];
        for (int i = 0; i < v.Length; i++) v[i] = random.Next(-8, 8) / 8f;
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return v;
    }
}
