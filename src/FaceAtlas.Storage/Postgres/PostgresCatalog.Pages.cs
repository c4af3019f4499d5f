using System.Globalization;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage.Postgres;

public sealed partial class PostgresCatalog
{
    /// <summary>How many photos could be used, from the counts' changes the catalog keeps (schema 6).</summary>
    const string UsablePhotos = """
        SELECT (coalesce(sum(delta) FILTER (WHERE name = 'photos'), 0) - coalesce(sum(delta) FILTER (WHERE name = 'failed'), 0))::bigint
        FROM tally_changes
        """;

    public PhotoPage Photos(PhotoQuery query, PageRequest page)
    {
        var (countSql, pageSql) = CatalogTables.PhotoPageStatements(query, page, '@', UsablePhotos);
        (string, object?) From = ("from", query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        (string, object?) To = ("to", query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var (total, firstTaken, lastTaken, photos) = _db.Read(c =>
        {
            int total;
            string? firstTaken, lastTaken;
            using (var count = Command(c, countSql, From, To))
            using (var counted = count.ExecuteReader())
            {
                counted.Read();
                (total, firstTaken, lastTaken) = ((int)counted.GetInt64(0), counted.IsDBNull(1) ? null : counted.GetString(1), counted.IsDBNull(2) ? null : counted.GetString(2));
            }
            using var cmd = Command(c, pageSql, From, To, ("limit", page.Limit + 1), ("offset", page.Offset),
                ("u", page.After?.Undated == true ? 1 : 0), ("k", page.After?.Taken ?? ""), ("i", page.After?.Photo ?? 0));
            using var r = cmd.ExecuteReader();
            var photos = new List<(PhotoRef Photo, PageCursor Cursor)>();
            while (r.Read())
                photos.Add((new PhotoRef(r.GetInt64(0), _paths.ToLocal(r.GetString(1)), Int(r, 2), Int(r, 3),
                        CaptureDate.Parse(r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), r.IsDBNull(6) ? null : r.GetInt64(6)),
                    new PageCursor(r.GetInt32(7) != 0, r.GetString(8), r.GetInt64(0))));
            return (total, firstTaken, lastTaken, photos);
        });
        bool more = photos.Count > page.Limit;
        if (more) photos.RemoveAt(photos.Count - 1);
        var faces = (photos.Count == 0 ? [] : ReadFaces(false, null, 0, ("f.photo_id", photos.Select(p => p.Photo.Id).ToList()))).ToLookup(f => f.Photo.Id);
        return CatalogTables.Page(query, total, photos, faces, more, firstTaken, lastTaken);
    }
}
