using System.Globalization;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    /// <summary>How many photos could be used, from the counts the catalog keeps (schema 10).</summary>
    internal const string UsablePhotos = "SELECT (SELECT value FROM tallies WHERE name = 'photos') - (SELECT value FROM tallies WHERE name = 'failed')";

    public PhotoPage Photos(PhotoQuery query, PageRequest page)
    {
        var (countSql, pageSql) = CatalogTables.PhotoPageStatements(query, page, '$', UsablePhotos);
        void Dates(Microsoft.Data.Sqlite.SqliteCommand cmd)
        {
            if (query.From is { } from) cmd.Parameters.AddWithValue("$from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (query.To is { } to) cmd.Parameters.AddWithValue("$to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        int total;
        string? firstTaken, lastTaken;
        using (var count = _connection.CreateCommand())
        {
            count.CommandText = countSql;
            Dates(count);
            using var r = count.ExecuteReader();
            r.Read();
            (total, firstTaken, lastTaken) = (r.Int(0), r.IsDBNull(1) ? null : r.Text(1), r.IsDBNull(2) ? null : r.Text(2));
        }
        var photos = new List<(PhotoRef Photo, PageCursor Cursor)>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = pageSql;
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
        var faces = (photos.Count == 0 ? [] : ReadFaces(false, null, 0, ("f.photo_id", photos.Select(p => p.Photo.Id).ToList()))).ToLookup(f => f.Photo.Id);
        return CatalogTables.Page(query, total, photos, faces, more, firstTaken, lastTaken);
    }
}
