using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    public PhotoPage PhotosOfPerson(long person, PageRequest page)
    {
        int total;
        string? firstTaken, lastTaken;
        using (var count = _connection.CreateCommand())
        {
            count.CommandText = $"""
                SELECT count(*), min(CASE WHEN {CatalogTables.Undated} = 0 THEN p.taken END), max(CASE WHEN {CatalogTables.Undated} = 0 THEN p.taken END)
                FROM photos p WHERE p.id IN (SELECT photo_id FROM faces WHERE person_id = $person) AND p.failure IS NULL
                """;
            count.Parameters.AddWithValue("$person", person);
            using var r = count.ExecuteReader();
            r.Read();
            (total, firstTaken, lastTaken) = (r.Int(0), r.IsDBNull(1) ? null : r.Text(1), r.IsDBNull(2) ? null : r.Text(2));
        }
        var photos = new List<(PhotoRef Photo, PageCursor Cursor)>();
        using (var cmd = _connection.CreateCommand())
        {
            // One more than asked for: whether a next page exists.
            cmd.CommandText = $"""
                SELECT p.id, p.path, p.width, p.height, p.taken, p.taken_source, p.duration_ms, {CatalogTables.Undated}, {CatalogTables.TakenKey}
                FROM photos p
                WHERE p.id IN (SELECT photo_id FROM faces WHERE person_id = $person) AND p.failure IS NULL
                {(page.After is null ? "" : $"AND {CatalogTables.AfterCursor('$')}")}
                ORDER BY {CatalogTables.PageOrder}
                LIMIT $limit {(page.After is null ? "OFFSET $offset" : "")}
                """;
            cmd.Parameters.AddWithValue("$person", person);
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
        var faces = (photos.Count == 0 ? [] : ReadFaces(false, "f.person_id", person, photos.Select(p => p.Photo.Id).ToList())).ToLookup(f => f.Photo.Id);
        return new PhotoPage(total, photos.Select(p => new PagedPhoto(p.Photo, faces[p.Photo.Id].ToList())).ToList(), more ? photos[^1].Cursor : null)
            { FirstTaken = firstTaken, LastTaken = lastTaken };
    }
}
