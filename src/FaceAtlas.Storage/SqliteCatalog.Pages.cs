using System.Globalization;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    public PhotoPage Photos(PhotoQuery query, PageRequest page)
    {
        // One person's photos are a range of person_photos_in_order (schema 10), read without the photos table but for
        // the page itself: no sort, and no look-up of each photo counted or skipped. (A photo that failed has no faces,
        // so none of its rows is there.)
        var people = query.People.Distinct().ToList();
        bool one = people.Count == 1;
        string where = one ? PersonConditions(people[0], query) : CatalogTables.PhotoQueryConditions(query, '$');
        void Dates(Microsoft.Data.Sqlite.SqliteCommand cmd)
        {
            if (query.From is { } from) cmd.Parameters.AddWithValue("$from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (query.To is { } to) cmd.Parameters.AddWithValue("$to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        int total;
        string? firstTaken, lastTaken;
        using (var count = _connection.CreateCommand())
        {
            count.CommandText = one ? $"""
                SELECT count(*), min(CASE WHEN pp.undated = 0 THEN pp.taken END), max(CASE WHEN pp.undated = 0 THEN pp.taken END)
                FROM person_photos pp WHERE {where}
                """ : CatalogTables.PhotoCountQuery(where);
            Dates(count);
            using var r = count.ExecuteReader();
            r.Read();
            (total, firstTaken, lastTaken) = (r.Int(0), r.IsDBNull(1) ? null : r.Text(1), r.IsDBNull(2) ? null : r.Text(2));
        }
        var photos = new List<(PhotoRef Photo, PageCursor Cursor)>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = one ? PersonPageQuery(where, page) : CatalogTables.PhotoPageQuery(where, page, '$');
            Dates(cmd);
            cmd.Parameters.AddWithValue("$limit", page.Limit + 1);
            if (page.After is { } after)
            {
                cmd.Parameters.AddWithValue("$u", after.Undated ? 1 : 0);
                cmd.Parameters.AddWithValue("$k", after.Taken);
                cmd.Parameters.AddWithValue("$i", after.Photo);
            }
            else cmd.Parameters.AddWithValue("$offset", page.Offset);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                photos.Add((new PhotoRef(r.Long(0), r.Text(1), r.Int(2), r.Int(3),
                        CaptureDate.Parse(r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), r.IsDBNull(6) ? null : r.Long(6)),
                    new PageCursor(r.Long(7) != 0, r.Text(8), r.Long(0))));
        }
        bool more = photos.Count > page.Limit;
        if (more) photos.RemoveAt(photos.Count - 1);
        var faces = (photos.Count == 0 ? [] : ReadFaces(false, null, 0, photos.Select(p => p.Photo.Id).ToList())).ToLookup(f => f.Photo.Id);
        return CatalogTables.Page(query, total, photos, faces, more, firstTaken, lastTaken);
    }

    /// <summary>The conditions of a query of one person's photos on <c>person_photos pp</c>, with parameters from and to where given.</summary>
    static string PersonConditions(long person, PhotoQuery query) => string.Join(" AND ", new[]
    {
        $"pp.person_id = {CatalogTables.IdList([person])}",
        query.From is null ? null : "pp.undated = 0 AND substr(pp.taken, 1, 10) >= $from",
        query.To is null ? null : "pp.undated = 0 AND substr(pp.taken, 1, 10) <= $to",
    }.OfType<string>());

    /// <summary><see cref="CatalogTables.PhotoPageQuery"/> for one person's photos, in the order person_photos keeps.</summary>
    static string PersonPageQuery(string where, PageRequest page) => $"""
        SELECT p.id, p.path, p.width, p.height, p.taken, p.taken_source, p.duration_ms, pp.undated, pp.taken
        FROM (SELECT photo_id, undated, taken FROM person_photos pp
              WHERE {where}
              {(page.After is null ? "" : "AND (pp.undated > $u OR (pp.undated = $u AND (pp.taken < $k OR (pp.taken = $k AND pp.photo_id < $i))))")}
              ORDER BY pp.undated, pp.taken DESC, pp.photo_id DESC
              LIMIT $limit {(page.After is null ? "OFFSET $offset" : "")}) pp
        JOIN photos p ON p.id = pp.photo_id
        ORDER BY pp.undated, pp.taken DESC, pp.photo_id DESC
        """;
}
