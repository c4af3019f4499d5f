using FaceAtlas.Core.Catalog;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// The photos offered to the workers of one catalog (<c>pending_photos</c>). A claim marks a few rows as one
/// worker's until its lease runs out; <c>FOR UPDATE SKIP LOCKED</c> lets workers claim side by side without waiting
/// on each other or taking the same row. A claim ends when the photo's outcome is committed (the same transaction
/// deletes its row); a worker that died leaves rows whose leases run out, and the next claim takes them.
/// </summary>
internal sealed class PostgresSharedWork(PostgresConnections db, PathMap paths, long worker, TimeSpan lease) : ISharedWork
{
    public void Offer(IReadOnlyList<PhotoFile> files)
    {
        // In chunks, each its own transaction: a million offered photos are not one huge statement.
        foreach (var chunk in files.Chunk(5000))
            db.Write((c, tx) =>
            {
                // Not when the catalog holds the photo as it is now (another worker has done it since this one looked).
                using var cmd = PostgresCatalog.Command(c, """
                    INSERT INTO pending_photos(path, size, mtime)
                    SELECT o.path, o.size, o.mtime FROM unnest(@paths, @sizes, @mtimes) AS o(path, size, mtime)
                    WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.path = o.path AND p.size = o.size AND p.mtime = o.mtime
                                      AND (p.taken IS NOT NULL OR p.failure IS NOT NULL))
                    ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime
                        WHERE pending_photos.size <> excluded.size OR pending_photos.mtime <> excluded.mtime
                    """, ("paths", chunk.Select(f => paths.ToCatalog(f.Path)).ToArray()), ("sizes", chunk.Select(f => f.Size).ToArray()),
                    ("mtimes", chunk.Select(f => f.ModifiedTicks).ToArray()));
                cmd.Transaction = tx;
                cmd.ExecuteNonQuery();
            });
    }

    public IReadOnlyList<ClaimedPhoto> Claim(IReadOnlyList<string> roots, int count) => db.Write((c, tx) =>
    {
        var (exact, prefixes) = Under(roots);
        var claimed = new List<(string Path, long Size, long Mtime)>();
        using (var cmd = PostgresCatalog.Command(c, """
            UPDATE pending_photos q SET claimed_by = @worker, lease_until = now() + @lease
            FROM (SELECT path FROM pending_photos
                  WHERE (path = ANY(@exact) OR EXISTS (SELECT 1 FROM unnest(@prefixes) AS r(prefix) WHERE starts_with(path, r.prefix)))
                    AND (lease_until IS NULL OR lease_until < now())
                  ORDER BY path LIMIT @count FOR UPDATE SKIP LOCKED) free
            WHERE q.path = free.path
            RETURNING q.path, q.size, q.mtime
            """, ("worker", worker), ("lease", lease), ("exact", exact), ("prefixes", prefixes), ("count", count)))
        {
            cmd.Transaction = tx;
            using var r = cmd.ExecuteReader();
            while (r.Read()) claimed.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }
        if (claimed.Count == 0) return [];
        Dictionary<string, KnownPhoto> known;
        using (var cmd = PostgresCatalog.Command(c, $"SELECT {CatalogTables.KnownPhotoColumns} FROM photos WHERE path = ANY(@paths)",
            ("paths", claimed.Select(p => p.Path).ToArray())))
        {
            cmd.Transaction = tx;
            // Keyed by the claims' paths, as the catalog keeps them.
            known = PostgresCatalog.ReadKnownPhotos(cmd, paths).ToDictionary(k => paths.ToCatalog(k.Path), StringComparer.Ordinal);
        }
        // A photo offered again by a worker that looked just before another committed it is done already: its claim ends here.
        var done = claimed.Where(p => known.TryGetValue(p.Path, out var k) && k.Size == p.Size && k.ModifiedTicks == p.Mtime && !k.Undated)
            .Select(p => p.Path).ToArray();
        if (done.Length > 0)
            using (var cmd = PostgresCatalog.Command(c, "DELETE FROM pending_photos WHERE path = ANY(@paths)", ("paths", done)))
            {
                cmd.Transaction = tx;
                cmd.ExecuteNonQuery();
            }
        return claimed.Where(p => !done.Contains(p.Path))
            .Select(p => new ClaimedPhoto(new PhotoFile(paths.ToLocal(p.Path), p.Size, p.Mtime), known.GetValueOrDefault(p.Path)))
            .ToList();
    });

    public int Remaining(IReadOnlyList<string> roots) => db.Read(c =>
    {
        var (exact, prefixes) = Under(roots);
        using var cmd = PostgresCatalog.Command(c, """
            SELECT count(*) FROM pending_photos
            WHERE (path = ANY(@exact) OR EXISTS (SELECT 1 FROM unnest(@prefixes) AS r(prefix) WHERE starts_with(path, r.prefix)))
              AND (claimed_by IS DISTINCT FROM @worker OR lease_until < now())
            """, ("exact", exact), ("prefixes", prefixes), ("worker", worker));
        return (int)(long)cmd.ExecuteScalar()!;
    });

    /// <summary>The roots as the catalog keeps them, and the prefixes of what lies under them.</summary>
    (string[] Exact, string[] Prefixes) Under(IReadOnlyList<string> roots)
    {
        var exact = roots.Select(r => paths.ToCatalog(Path.TrimEndingDirectorySeparator(r))).ToArray();
        return (exact, exact.Select(r => r + "/").ToArray());
    }
}
