using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>
/// The face catalog in one SQLite file (WAL mode: readers never block the writer, and a killed writer loses
/// only its open transaction). Owns one connection; use one instance per thread.
/// </summary>
public sealed partial class SqliteCatalog : IFaceCatalog
{
    readonly SqliteConnection _connection;

    SqliteCatalog(SqliteConnection connection, string location)
    {
        _connection = connection;
        Location = location;
    }

    public string Location { get; }

    public string CatalogId
    {
        get
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key = 'catalog_id'";
            return StoredValues.Text(cmd.ExecuteScalar(), "the catalog's id");
        }
    }

    /// <summary>
    /// The full path of the catalog file at <paramref name="path"/>, its folder made: refused when it is a folder,
    /// or absent and not to be created. Checked before anything (the writer's lock included) is made beside it.
    /// </summary>
    internal static string CheckedFilePath(string path, bool create)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InvalidRequestException($"{full} is a folder; --catalog wants a file");
        if (!create && !File.Exists(full))
            throw new NotFoundException($"no catalog at {full}; run 'faceatlas index PATH' first");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Opens the catalog at <paramref name="path"/>, creating it when <paramref name="create"/> is set.</summary>
    public static SqliteCatalog Open(string path, bool create = true)
    {
        var full = CheckedFilePath(path, create);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 10000");
            Execute(connection, "PRAGMA journal_mode = WAL");
            // NORMAL is durable against a process crash in WAL mode; only a power cut may lose the last commit.
            Execute(connection, "PRAGMA synchronous = NORMAL");
            Execute(connection, "PRAGMA foreign_keys = ON");
            CatalogSchema.Apply(connection, full);
            return new SqliteCatalog(connection, full);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */)
        {
            connection.Dispose();
            throw new DamagedCatalogException($"{full} is not a FaceAtlas catalog (not an SQLite database, or damaged): {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public IReadOnlyList<KnownPhoto> PhotosUnder(string root)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT {CatalogTables.KnownPhotoColumns} FROM photos WHERE path = $root OR (path >= $lo AND path < $hi)";
        var (trimmed, lo, hi) = CatalogTables.PathRange(root);
        cmd.Parameters.AddWithValue("$root", trimmed);
        cmd.Parameters.AddWithValue("$lo", lo);
        cmd.Parameters.AddWithValue("$hi", hi);
        using var reader = cmd.ExecuteReader();
        var photos = new List<KnownPhoto>();
        while (reader.Read())
            photos.Add(KnownPhotoAt(reader));
        return photos;
    }

    public IReadOnlyList<KnownPhoto> PhotosOfSizes(IReadOnlySet<long> sizes)
    {
        var photos = new List<KnownPhoto>();
        if (sizes.Count == 0) return photos;
        using var cmd = _connection.CreateCommand();
        // One pass over the photos (a few bytes a row), filtered here: cheaper than a query per size.
        cmd.CommandText = $"SELECT {CatalogTables.KnownPhotoColumns} FROM photos";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            if (sizes.Contains(reader.Long(2)))
                photos.Add(KnownPhotoAt(reader));
        return photos;
    }

    /// <summary>The row a query selecting <see cref="CatalogTables.KnownPhotoColumns"/> is at.</summary>
    static KnownPhoto KnownPhotoAt(SqliteDataReader reader) =>
        new(reader.Long(0), reader.Text(1), reader.Long(2), reader.Long(3), reader.IsDBNull(4) ? [] : reader.Blob(4)) { Undated = reader.Long(5) != 0, IndexedTicks = CatalogTables.IndexedTicks(reader.Text(6)), DatedByFile = reader.Long(7) != 0 };

    public void Commit(IReadOnlyList<PhotoOutcome> outcomes)
    {
        try
        {
            using var tx = _connection.BeginTransaction();
            using var writer = new OutcomeWriter(_connection, tx);
            foreach (var outcome in outcomes)
                writer.Write(outcome);
            tx.Commit();
        }
        catch (SqliteException e) when (IsFull(e))
        {
            throw new DiskFullException(Location, e);
        }
    }

    /// <summary>SQLITE_FULL: the database or its WAL could not grow (the disk, or the file system's quota, is full).</summary>
    public static bool IsFull(SqliteException e) => e.SqliteErrorCode == 13;

    public int RemovePhotos(IReadOnlyCollection<long> photoIds)
    {
        using var tx = _connection.BeginTransaction();
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM photos WHERE id = $id";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        int removed = 0;
        foreach (var photoId in photoIds)
        {
            id.Value = photoId;
            removed += cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return removed;
    }

    public IEnumerable<FaceRecord> Faces(bool withEmbeddings) => ReadFaces(withEmbeddings, null, 0);

    public FaceRecord? Face(long id) => ReadFaces(false, "f.id", id).SingleOrDefault();

    public IReadOnlyList<FaceRecord> FacesWithIds(IReadOnlyCollection<long> ids) =>
        ids.Count == 0 ? [] : ReadFaces(false, null, 0, ("f.id", ids)).ToList();

    public PhotoRef? Photo(long id)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT id, path, width, height, taken, taken_source, duration_ms FROM photos WHERE id = $id AND failure IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new PhotoRef(r.Long(0), r.Text(1), r.Int(2), r.Int(3),
            CaptureDate.Parse(r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), r.IsDBNull(6) ? null : r.Long(6));
    }

    public long AddDrawnFace(long photo, FaceObservation face)
    {
        try
        {
            using var tx = _connection.BeginTransaction();
            using var writer = new OutcomeWriter(_connection, tx);
            long id = writer.InsertFace(photo, face, drawn: true);
            tx.Commit();
            return id;
        }
        catch (SqliteException e) when (IsFull(e))
        {
            throw new DiskFullException(Location, e);
        }
    }

    public IReadOnlyList<FaceRecord> FacesInPhoto(long photo) => ReadFaces(false, "f.photo_id", photo).ToList();

    public IReadOnlyList<FaceRecord> FacesOfPerson(long person) => ReadFaces(false, "f.person_id", person).ToList();

    /// <summary>
    /// Faces by id, all or those whose <paramref name="column"/> (an indexed one, named by this class) is
    /// <paramref name="key"/>, and of these, when <paramref name="among"/> is given, those whose column it names
    /// holds one of its keys.
    /// </summary>
    IEnumerable<FaceRecord> ReadFaces(bool withEmbeddings, string? column, long key, (string Column, IReadOnlyCollection<long> Keys)? among = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT f.id, f.photo_id, p.path, f.x, f.y, f.w, f.h, f.score, f.points, f.person_id, p.width, p.height,
                   {CatalogTables.AttributeColumns("f")}, p.taken, p.taken_source, f.frame_ms, p.duration_ms{(withEmbeddings ? ", e.vector" : "")}
            FROM faces f JOIN photos p ON p.id = f.photo_id
            {(withEmbeddings ? "LEFT JOIN embeddings e ON e.face_id = f.id" : "")}
            WHERE f.not_face = 0 {(column is null ? "" : $"AND {column} = $key")}
            {(among is { } a ? $"AND {a.Column} IN ({CatalogTables.IdList(a.Keys)})" : "")}
            ORDER BY f.id
            """;
        if (column is not null) cmd.Parameters.AddWithValue("$key", key);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var box = new FaceBox(reader.Float(3), reader.Float(4), reader.Float(5), reader.Float(6));
            var points = FivePoints.FromArray(reader.Floats(8, 10));
            float[]? embedding = withEmbeddings && !reader.IsDBNull(23)
                ? reader.Floats(23, Embeddings.Dimensions)
                : null;
            var taken = CaptureDate.Parse(reader.IsDBNull(19) ? null : reader.GetString(19), reader.IsDBNull(20) ? null : reader.GetString(20));
            var photo = new PhotoRef(reader.Long(1), reader.Text(2), reader.Int(10), reader.Int(11), taken, reader.IsDBNull(22) ? null : reader.Long(22));
            yield return new FaceRecord(reader.Long(0), photo, box, reader.Float(7), points,
                reader.IsDBNull(9) ? null : reader.Long(9), embedding)
            { Attributes = ReadAttributes(reader, 12), FrameMs = reader.IsDBNull(21) ? null : reader.Long(21) };
        }
    }

    /// <summary>The seven attribute columns from <paramref name="at"/> on; null when the face has none.</summary>
    static FaceAttributes? ReadAttributes(SqliteDataReader reader, int at) => reader.IsDBNull(at) ? null : new FaceAttributes(
        reader.Float(at), reader.Float(at + 1), new HeadPose(reader.Float(at + 2), reader.Float(at + 3), reader.Float(at + 4)),
        reader.Float(at + 5), reader.Float(at + 6));

    public long EmbeddingRevision()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT coalesce(max(seq), 0) FROM embedding_changes";
        return StoredValues.Long(cmd.ExecuteScalar(), "the last embedding change");
    }

    public IReadOnlyCollection<long> FacesChangedSince(long revision)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT face_id FROM embedding_changes WHERE seq > $since";
        cmd.Parameters.AddWithValue("$since", revision);
        using var reader = cmd.ExecuteReader();
        var faces = new HashSet<long>();
        while (reader.Read()) faces.Add(reader.Long(0));
        return faces;
    }

    public IEnumerable<FaceVector> FaceVectors(IReadOnlyCollection<long>? only = null)
    {
        using var cmd = _connection.CreateCommand();
        string select = $"SELECT f.id, e.vector, {CatalogTables.AttributeColumns("f")} FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.not_face = 0";
        if (only is null)
        {
            cmd.CommandText = select + " ORDER BY f.id";
            foreach (var v in ReadVectors(cmd)) yield return v;
            yield break;
        }
        cmd.CommandText = select + " AND f.id = $id";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        foreach (long face in only.Order())
        {
            id.Value = face;
            foreach (var v in ReadVectors(cmd)) yield return v;
        }
    }

    static IEnumerable<FaceVector> ReadVectors(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            yield return new FaceVector(reader.Long(0), reader.Floats(1, Embeddings.Dimensions), ReadAttributes(reader, 2));
    }

    public IEnumerable<CatalogRows> ReadAll() =>
        CatalogTables.All.Select(t => new CatalogRows(t.Name, t.Columns, ReadRows(t)));

    IEnumerable<object?[]> ReadRows(CatalogTables.Table table)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = CatalogTables.Select(table);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var row = new object?[table.Columns.Length];
            for (int i = 0; i < row.Length; i++)
                row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            yield return row;
        }
    }

    /// <summary>Writes another catalog's tables into this empty one in one transaction, ids kept.</summary>
    internal CopiedTables WriteAll(IEnumerable<CatalogRows> tables)
    {
        var written = new List<(string, long)>();
        try
        {
            using var tx = _connection.BeginTransaction();
            foreach (var table in tables)
            {
                CatalogTables.Check(table);
                using var insert = SqlCommands.Create(_connection, tx,
                    $"INSERT INTO {table.Table}({string.Join(", ", table.Columns)}) VALUES ({string.Join(", ", table.Columns.Select(c => "$" + c))})",
                    table.Columns.Select(c => "$" + c).ToArray());
                long rows = 0;
                foreach (var row in table.Rows)
                {
                    SqlCommands.Run(insert, row);
                    rows++;
                }
                written.Add((table.Table, rows));
            }
            tx.Commit();
        }
        catch (SqliteException e) when (IsFull(e))
        {
            throw new DiskFullException(Location, e);
        }
        return new CopiedTables(written);
    }

    /// <summary>Read from the counts the catalog keeps (schema 10): never a count of the faces.</summary>
    public CatalogCounts Counts()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT name, value FROM tallies WHERE name IN ('photos', 'photos_with_faces', 'faces', 'failed')";
        using var reader = cmd.ExecuteReader();
        var tallies = new Dictionary<string, int>();
        while (reader.Read()) tallies[reader.Text(0)] = reader.Int(1);
        return new CatalogCounts(tallies["photos"], tallies["photos_with_faces"], tallies["faces"], tallies["failed"]);
    }

    public long PeopleRevision()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT value FROM tallies WHERE name = 'people_revision'";
        return StoredValues.Long(cmd.ExecuteScalar(), "the people's revision");
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
