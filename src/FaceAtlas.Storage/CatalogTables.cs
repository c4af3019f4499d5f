namespace FaceAtlas.Storage;

/// <summary>
/// The tables every kind of catalog has, with the same columns, in the order a copy writes them (each row's
/// references written before it), and the order that makes two catalogs' rows comparable.
/// </summary>
internal static class CatalogTables
{
    public sealed record Table(string Name, string[] Columns, string OrderBy);

    public static readonly Table[] All =
    [
        new("photos", ["id", "path", "size", "mtime", "hash", "width", "height", "format", "failure", "indexed_at", "taken", "taken_source", "duration_ms"], "id"),
        new("people", ["id", "name", "hidden", "cover_face_id", "created_at", "birth"], "id"),
        new("faces", ["id", "photo_id", "x", "y", "w", "h", "score", "points", "person_id", "assigned_by", "clustered",
            "age", "maleness", "yaw", "pitch", "roll", "sharpness", "quality", "ignored", "drawn", "frame_ms", "not_face"], "id"),
        new("embeddings", ["face_id", "model", "vector"], "face_id"),
        new("face_rejections", ["face_id", "person_id"], "face_id, person_id"),
        new("distinct_people", ["a", "b"], "a, b"),
        new("forgotten_faces", ["photo_id", "x", "y", "w", "h"], "photo_id, x, y, w, h"),
    ];

    /// <summary>
    /// How many of the latest changes to people the history keeps (each with what it needs to be undone; a merge of
    /// 30,000 faces keeps their places, ~2 MB). Not copied with a catalog: a copy starts its own history.
    /// </summary>
    public const int KeptChanges = 1000;

    /// <summary>
    /// What the kept changes' journals may hold together: older changes go beyond it (the newest is always kept), so a
    /// run of merges of a person of tens of thousands of faces cannot grow the catalog by gigabytes. Checked when a
    /// change's journal is of <see cref="JournalBytesWorthCounting"/> or more, so that the sum, a read of every kept
    /// journal, is paid by large changes only; smaller ones add at most KeptChanges times that.
    /// </summary>
    public const long KeptJournalBytes = 64L << 20;

    public const int JournalBytesWorthCounting = 64 << 10;

    /// <summary>The day a photo on <c>photos p</c> was taken (yyyy-MM-dd), when it records one: never a file's date.</summary>
    public const string TakenDay = "(CASE WHEN p.taken IS NULL OR p.taken_source = 'file' THEN NULL ELSE substr(p.taken, 1, 10) END)";

    /// <summary>
    /// Every face in a person that counts, with its embedding, in id order, as both catalogs read it: person, photo,
    /// vector, score, quality, day (<see cref="TakenDay"/>), face id.
    /// </summary>
    public const string FacesInPeople = $"""
        SELECT f.person_id, f.photo_id, e.vector, f.score, f.quality, {TakenDay}, f.id
        FROM faces f JOIN embeddings e ON e.face_id = f.id JOIN photos p ON p.id = f.photo_id
        WHERE f.person_id IS NOT NULL AND f.ignored = 0 AND f.not_face = 0 ORDER BY f.id
        """;

    /// <summary>
    /// The same faces without their embeddings (a face with none yet among them), in no order: face id, person,
    /// photo, score, quality, day.
    /// </summary>
    public const string FacesSeenInPeople = $"""
        SELECT f.id, f.person_id, f.photo_id, f.score, f.quality, {TakenDay}
        FROM faces f JOIN photos p ON p.id = f.photo_id
        WHERE f.person_id IS NOT NULL AND f.ignored = 0 AND f.not_face = 0
        """;

    /// <summary>A day as the catalog keeps it (yyyy-MM-dd); null for none or one that is not a day.</summary>
    public static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day) ? day : null;

    public static string? DayText(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The photos' path column: the one a shared catalog keeps under named roots.</summary>
    public static bool IsPath(string table, string column) => table == "photos" && column == "path";

    public static string Select(Table t) => $"SELECT {string.Join(", ", t.Columns)} FROM {t.Name} ORDER BY {t.OrderBy}";

    /// <summary>The table another catalog's rows are for, checked: one this version knows, with its columns.</summary>
    public static Table Check(FaceAtlas.Core.Catalog.CatalogRows rows)
    {
        var known = All.FirstOrDefault(t => t.Name == rows.Table)
            ?? throw new FaceAtlas.Core.InvalidRequestException($"a catalog table '{rows.Table}' this version does not know");
        return rows.Columns.SequenceEqual(known.Columns) ? known
            : throw new FaceAtlas.Core.InvalidRequestException($"the source's {rows.Table} has other columns than this version's");
    }

    /// <summary>Ids written into SQL as a list (numbers, so nothing a request sends reaches the statement).</summary>
    public static string IdList(IEnumerable<long> ids) => string.Join(',', ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// The order of a page of photos (see <c>ICatalog.Photos</c>): the undated after the dated, then the latest
    /// taken, then the highest id; on <c>photos p</c>, a photo's place among the undated is this.
    /// </summary>
    public const string Undated = "(CASE WHEN p.taken IS NULL OR p.taken_source = 'file' THEN 1 ELSE 0 END)";

    /// <summary>
    /// The columns of the pages' order: on <c>photos p</c>, or on <c>person_photos pp</c>, which keeps them for each
    /// of a person's photos. The order, its "after this one" (parameters u, k and i: 0/1, the taken text, the photo
    /// id), the date range (parameters from and to, yyyy-MM-dd) and the count are each written once, for either.
    /// </summary>
    readonly record struct OrderColumns(string Undated, string Taken, string Id)
    {
        public string Order => $"{Undated}, {Taken} DESC, {Id} DESC";

        public string After(char prefix) =>
            $"({Undated} > {prefix}u OR ({Undated} = {prefix}u AND ({Taken} < {prefix}k OR ({Taken} = {prefix}k AND {Id} < {prefix}i))))";

        public IEnumerable<string> Dates(Core.Catalog.PhotoQuery query, char prefix)
        {
            if (query.From is not null) yield return $"{Undated} = 0 AND substr({Taken}, 1, 10) >= {prefix}from";
            if (query.To is not null) yield return $"{Undated} = 0 AND substr({Taken}, 1, 10) <= {prefix}to";
        }

        /// <summary>
        /// How many rows of <paramref name="table"/> <paramref name="where"/> holds (<paramref name="counted"/>: a
        /// statement that knows), and the first and last moment the dated ones were taken: each end of the order's
        /// index read, not every row (a min and max in the count would be).
        /// </summary>
        public string Count(string table, string where, string? counted = null) => $"""
            SELECT ({counted ?? $"SELECT count(*) FROM {table} WHERE {where}"}),
                (SELECT {Taken} FROM {table} WHERE {where} AND {Undated} = 0 ORDER BY {Taken} LIMIT 1),
                (SELECT {Taken} FROM {table} WHERE {where} AND {Undated} = 0 ORDER BY {Taken} DESC LIMIT 1)
            """;
    }

    static readonly OrderColumns OfPhotos = new(Undated, "coalesce(p.taken, '')", "p.id");
    static readonly OrderColumns OfPersonPhotos = new("pp.undated", "pp.taken", "pp.photo_id");

    /// <summary>
    /// The conditions of a <c>PhotoQuery</c> on <c>photos p</c>, with parameters from and to (yyyy-MM-dd) where
    /// given: every named person in the photo (ids written in, as numbers), the date range.
    /// </summary>
    static string PhotoQueryConditions(Core.Catalog.PhotoQuery query, char prefix)
    {
        var ids = query.People.Distinct().ToList();
        var conditions = new List<string> { "p.failure IS NULL" };
        if (ids.Count > 0)
            conditions.Add($"p.id IN (SELECT photo_id FROM person_photos WHERE person_id IN ({IdList(ids)}) GROUP BY photo_id HAVING count(*) = {ids.Count})");
        conditions.AddRange(OfPhotos.Dates(query, prefix));
        return string.Join(" AND ", conditions);
    }

    /// <summary>A page as both catalogs make it: each photo with the faces of the people asked for (every face, when none).</summary>
    public static Core.Catalog.PhotoPage Page(Core.Catalog.PhotoQuery query, int total, List<(Core.Catalog.PhotoRef Photo, Core.Catalog.PageCursor Cursor)> photos,
        ILookup<long, Core.Catalog.FaceRecord> faces, bool more, string? firstTaken, string? lastTaken)
    {
        var people = query.People.ToHashSet();
        return new(total, photos.Select(p => new Core.Catalog.PagedPhoto(p.Photo,
                faces[p.Photo.Id].Where(f => people.Count == 0 || f.PersonId is { } person && people.Contains(person)).ToList())).ToList(),
            more ? photos[^1].Cursor : null) { FirstTaken = firstTaken, LastTaken = lastTaken };
    }

    /// <summary>
    /// A page of the photos <paramref name="where"/> holds, in the pages' order: their id, path, size, date, length,
    /// then their place in the order (undated, taken); parameters limit (one more than the page, to tell whether a
    /// next exists), and offset or, after a cursor, u, k and i.
    /// </summary>
    static string PhotoPageQuery(string where, Core.Catalog.PageRequest page, char prefix) => $"""
        SELECT p.id, p.path, p.width, p.height, p.taken, p.taken_source, p.duration_ms, {OfPhotos.Undated}, {OfPhotos.Taken}
        FROM photos p
        WHERE {where}
        {(page.After is null ? "" : $"AND {OfPhotos.After(prefix)}")}
        ORDER BY {OfPhotos.Order}
        LIMIT {prefix}limit {(page.After is null ? $"OFFSET {prefix}offset" : "")}
        """;

    /// <summary>
    /// The two statements of a page of photos, as both catalogs run them: how many there are (with the first and last
    /// moment taken), and the page. One person's photos are a range of person_photos in the pages' order (SQLite's
    /// schema 10, PostgreSQL's 6), read without the photos table but for the page itself: no sort, and no look-up of
    /// each photo counted or skipped (a photo that failed has no faces, so none of its rows is there).
    /// </summary>
    /// <param name="usablePhotos">The backend's statement of how many photos could be used, from its kept counts: the
    /// count of a page of every photo, which would otherwise read an index entry a photo.</param>
    public static (string Count, string Page) PhotoPageStatements(Core.Catalog.PhotoQuery query, Core.Catalog.PageRequest page, char prefix, string usablePhotos)
    {
        var people = query.People.Distinct().ToList();
        if (people.Count != 1)
        {
            var where = PhotoQueryConditions(query, prefix);
            bool everyPhoto = people.Count == 0 && query.From is null && query.To is null;
            return (OfPhotos.Count("photos p", where, everyPhoto ? usablePhotos : null), PhotoPageQuery(where, page, prefix));
        }
        var pp = OfPersonPhotos;
        var mine = string.Join(" AND ", pp.Dates(query, prefix).Prepend($"pp.person_id = {IdList(people)}"));
        return (pp.Count("person_photos pp", mine), $"""
            SELECT p.id, p.path, p.width, p.height, p.taken, p.taken_source, p.duration_ms, CAST(pp.undated AS INTEGER), pp.taken
            FROM (SELECT photo_id, undated, taken FROM person_photos pp
                  WHERE {mine}
                  {(page.After is null ? "" : $"AND {pp.After(prefix)}")}
                  ORDER BY {pp.Order}
                  LIMIT {prefix}limit {(page.After is null ? $"OFFSET {prefix}offset" : "")}) pp
            JOIN photos p ON p.id = pp.photo_id
            ORDER BY {pp.Order}
            """);
    }

    /// <summary>What tells whether a photo changed, in the order both catalogs read it.</summary>
    public const string KnownPhotoColumns = "id, path, size, mtime, hash, taken IS NULL AND failure IS NULL, indexed_at, coalesce(taken_source, '') = 'file'";

    /// <summary>The <c>indexed_at</c> text both catalogs write, as UTC ticks (0 when unreadable: read again).</summary>
    public static long IndexedTicks(string text) =>
        DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at.ToUniversalTime().Ticks : 0;

    /// <summary>
    /// The bounds of the paths under <paramref name="root"/> in binary order: every path below "root/" sorts between
    /// "root/" and "root0" ('0' follows '/'); the root "/" holds every absolute path.
    /// </summary>
    public static (string Root, string Low, string High) PathRange(string root)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        var prefix = trimmed.EndsWith('/') ? trimmed : trimmed + "/";
        return (trimmed, prefix, prefix[..^1] + "0");
    }

    /// <summary>The seven attribute columns of the faces table under the alias <paramref name="face"/>.</summary>
    public static string AttributeColumns(string face) =>
        string.Join(", ", new[] { "age", "maleness", "yaw", "pitch", "roll", "sharpness", "quality" }.Select(c => $"{face}.{c}"));
}
