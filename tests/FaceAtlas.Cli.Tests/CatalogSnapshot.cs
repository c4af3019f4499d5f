using Microsoft.Data.Sqlite;

namespace FaceAtlas.Cli.Tests;

/// <summary>What a catalog holds, read with plain SQL (not the product's reader), for comparing two catalogs.</summary>
internal static class CatalogSnapshot
{
    public static List<string> Faces(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT p.path, round(f.x, 1), round(f.y, 1), round(f.w, 1), round(f.h, 1), (SELECT count(*) FROM embeddings e WHERE e.face_id = f.id)
            FROM faces f JOIN photos p ON p.id = f.photo_id ORDER BY 1, 2, 3
            """;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add($"{r.GetString(0)} {r.GetDouble(1)} {r.GetDouble(2)} {r.GetDouble(3)} {r.GetDouble(4)} e{r.GetInt64(5)}");
        return rows;
    }

    /// <summary>Every photo with why it failed ("" when it did not), in path order.</summary>
    public static List<string> Photos(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT path, coalesce(failure, '') FROM photos ORDER BY 1";
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add($"{r.GetString(0)} {r.GetString(1)}");
        return rows;
    }

    /// <summary>
    /// Every photo as "file, width, height, format, taken, taken_source, failed" (tab-separated, file name only; taken
    /// "-" where it is the file's date), in path order.
    /// </summary>
    public static List<string> PhotoFacts(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT path, coalesce(width, ''), coalesce(height, ''), coalesce(format, ''),
                   CASE WHEN taken_source = 'file' THEN '-' ELSE coalesce(taken, '') END, coalesce(taken_source, ''),
                   CASE WHEN failure IS NULL THEN '' ELSE 'failed' END
            FROM photos ORDER BY path
            """;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
            rows.Add(string.Join('\t', [Path.GetFileName(r.GetString(0)), .. Enumerable.Range(1, 6).Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))]));
        return rows;
    }

    /// <summary>SQLite's own check, opened read-write so that a WAL beside the file is replayed first.</summary>
    public static string Integrity(string catalog)
    {
        using var c = new SqliteConnection($"Data Source={catalog};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return (string)cmd.ExecuteScalar()!;
    }

    public static long Count(string catalog, string table)
    {
        if (!File.Exists(catalog)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={catalog};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM {table}";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }
}
