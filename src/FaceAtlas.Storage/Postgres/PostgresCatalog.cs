using System.Runtime.InteropServices;
using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using Npgsql;
using NpgsqlTypes;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// The face catalog in a PostgreSQL database, shared by any number of processes on any number of machines. Every
/// write is one short transaction, run again when the server went away meanwhile; paths are kept under the named
/// roots of <see cref="PathMap"/> and given back as this machine's. Safe to use from several threads.
/// </summary>
public sealed partial class PostgresCatalog : IFaceCatalog
{
    readonly PostgresConnections _db;
    readonly PathMap _paths;

    internal PostgresCatalog(PostgresConnections db, PathMap paths)
    {
        _db = db;
        _paths = paths;
    }

    public string Location => _db.Location;

    public string CatalogId => _db.Read(c => Scalar<string>(c, "SELECT value FROM meta WHERE key = 'catalog_id'"));

    public IReadOnlyList<KnownPhoto> PhotosUnder(string root) => _db.Read(c =>
    {
        var (trimmed, lo, hi) = CatalogTables.PathRange(_paths.ToCatalog(root));
        using var cmd = Command(c, $"SELECT {CatalogTables.KnownPhotoColumns} FROM photos WHERE path = @root OR (path >= @lo AND path < @hi)",
            ("root", trimmed), ("lo", lo), ("hi", hi));
        return ReadKnownPhotos(cmd, _paths);
    });

    public IReadOnlyList<KnownPhoto> PhotosOfSizes(IReadOnlySet<long> sizes) => sizes.Count == 0 ? [] : _db.Read(c =>
    {
        using var cmd = Command(c, $"SELECT {CatalogTables.KnownPhotoColumns} FROM photos WHERE size = ANY(@sizes)", ("sizes", sizes.ToArray()));
        return ReadKnownPhotos(cmd, _paths);
    });

    /// <summary>The photos a query selecting <see cref="CatalogTables.KnownPhotoColumns"/> returns, as this machine's paths.</summary>
    internal static List<KnownPhoto> ReadKnownPhotos(NpgsqlCommand cmd, PathMap paths)
    {
        using var r = cmd.ExecuteReader();
        var photos = new List<KnownPhoto>();
        while (r.Read())
            photos.Add(new KnownPhoto(r.GetInt64(0), paths.ToLocal(r.GetString(1)), r.GetInt64(2), r.GetInt64(3),
                r.IsDBNull(4) ? [] : r.GetFieldValue<byte[]>(4)) { Undated = r.GetBoolean(5), IndexedTicks = CatalogTables.IndexedTicks(r.GetString(6)), DatedByFile = r.GetBoolean(7) });
        return photos;
    }

    public void Commit(IReadOnlyList<PhotoOutcome> outcomes) => _db.Write((c, tx) =>
    {
        var writer = new PostgresOutcomeWriter(c, tx, _paths);
        foreach (var outcome in outcomes)
            writer.Write(outcome);
        // The photos' claims end in the same transaction as their outcomes land: done once, whatever dies when.
        using var done = Command(c, "DELETE FROM pending_photos WHERE path = ANY(@paths)",
            ("paths", outcomes.Select(o => _paths.ToCatalog(o.File.Path)).ToArray()));
        done.Transaction = tx;
        done.ExecuteNonQuery();
    });

    public int RemovePhotos(IReadOnlyCollection<long> photoIds) => _db.Write((c, tx) =>
    {
        using var cmd = Command(c, "DELETE FROM photos WHERE id = ANY(@ids)", ("ids", photoIds.ToArray()));
        cmd.Transaction = tx;
        return cmd.ExecuteNonQuery();
    });

    public IEnumerable<FaceRecord> Faces(bool withEmbeddings) => ReadFaces(withEmbeddings, null, 0);

    public FaceRecord? Face(long id) => ReadFaces(false, "f.id", id).SingleOrDefault();

    public IReadOnlyList<FaceRecord> FacesWithIds(IReadOnlyCollection<long> ids) =>
        ids.Count == 0 ? [] : ReadFaces(false, null, 0, ("f.id", ids)).ToList();

    public PhotoRef? Photo(long id) => _db.Read<PhotoRef?>(c =>
    {
        using var cmd = Command(c, "SELECT id, path, width, height, taken, taken_source, duration_ms FROM photos WHERE id = @id AND failure IS NULL", ("id", id));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new PhotoRef(r.GetInt64(0), _paths.ToLocal(r.GetString(1)), Int(r, 2), Int(r, 3),
            CaptureDate.Parse(r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), r.IsDBNull(6) ? null : r.GetInt64(6));
    });

    public long AddDrawnFace(long photo, FaceObservation face) =>
        _db.Write((c, tx) => new PostgresOutcomeWriter(c, tx, _paths).InsertFace(photo, face, drawn: true));

    public IReadOnlyList<FaceRecord> FacesInPhoto(long photo) => ReadFaces(false, "f.photo_id", photo).ToList();

    public IReadOnlyList<FaceRecord> FacesOfPerson(long person) => ReadFaces(false, "f.person_id", person).ToList();

    IEnumerable<FaceRecord> ReadFaces(bool withEmbeddings, string? column, long key, (string Column, IReadOnlyCollection<long> Keys)? among = null)
    {
        using var c = _db.Open();
        using var cmd = Command(c, $"""
            SELECT f.id, f.photo_id, p.path, f.x, f.y, f.w, f.h, f.score, f.points, f.person_id, p.width, p.height,
                   {CatalogTables.AttributeColumns("f")}, p.taken, p.taken_source, f.frame_ms, p.duration_ms{(withEmbeddings ? ", e.vector" : "")}
            FROM faces f JOIN photos p ON p.id = f.photo_id
            {(withEmbeddings ? "LEFT JOIN embeddings e ON e.face_id = f.id" : "")}
            WHERE f.not_face = 0 {(column is null ? "" : $"AND {column} = @key")}
            {(among is { } a ? $"AND {a.Column} = ANY(@among)" : "")}
            ORDER BY f.id
            """, ("key", key), ("among", among?.Keys.ToArray()));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var box = new FaceBox((float)r.GetDouble(3), (float)r.GetDouble(4), (float)r.GetDouble(5), (float)r.GetDouble(6));
            var points = FivePoints.FromArray(Floats(r, 8, 10));
            float[]? embedding = withEmbeddings && !r.IsDBNull(23) ? Floats(r, 23, Embeddings.Dimensions) : null;
            var taken = CaptureDate.Parse(r.IsDBNull(19) ? null : r.GetString(19), r.IsDBNull(20) ? null : r.GetString(20));
            var photo = new PhotoRef(r.GetInt64(1), _paths.ToLocal(r.GetString(2)), Int(r, 10), Int(r, 11), taken, r.IsDBNull(22) ? null : r.GetInt64(22));
            yield return new FaceRecord(r.GetInt64(0), photo, box, (float)r.GetDouble(7), points,
                r.IsDBNull(9) ? null : r.GetInt64(9), embedding)
            { Attributes = ReadAttributes(r, 12), FrameMs = r.IsDBNull(21) ? null : r.GetInt64(21) };
        }
    }

    static FaceAttributes? ReadAttributes(NpgsqlDataReader r, int at) => r.IsDBNull(at) ? null : new FaceAttributes(
        (float)r.GetDouble(at), (float)r.GetDouble(at + 1),
        new HeadPose((float)r.GetDouble(at + 2), (float)r.GetDouble(at + 3), (float)r.GetDouble(at + 4)),
        (float)r.GetDouble(at + 5), (float)r.GetDouble(at + 6));

    /// <summary>The change log's last number: given at commit, in commit order (see <see cref="PostgresSchema"/>).</summary>
    public long EmbeddingRevision() => _db.Read(c => Scalar<long>(c, "SELECT coalesce(max(seq), 0) FROM embedding_changes"));

    public IReadOnlyCollection<long> FacesChangedSince(long revision) => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT DISTINCT face_id FROM embedding_changes WHERE seq > @since", ("since", revision));
        using var r = cmd.ExecuteReader();
        var faces = new HashSet<long>();
        while (r.Read()) faces.Add(r.GetInt64(0));
        return faces;
    });

    public IEnumerable<FaceVector> FaceVectors(IReadOnlyCollection<long>? only = null)
    {
        using var c = _db.Open();
        string select = $"SELECT f.id, e.vector, {CatalogTables.AttributeColumns("f")} FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.not_face = 0";
        using var cmd = only is null
            ? Command(c, select + " ORDER BY f.id")
            : Command(c, select + " AND f.id = ANY(@ids) ORDER BY f.id", ("ids", only.ToArray()));
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new FaceVector(r.GetInt64(0), Floats(r, 1, Embeddings.Dimensions), ReadAttributes(r, 2));
    }

    public IEnumerable<CatalogRows> ReadAll() =>
        CatalogTables.All.Select(t => new CatalogRows(t.Name, t.Columns, ReadRows(t)));

    IEnumerable<object?[]> ReadRows(CatalogTables.Table table)
    {
        using var c = _db.Open();
        using var cmd = Command(c, CatalogTables.Select(table));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var row = new object?[table.Columns.Length];
            for (int i = 0; i < row.Length; i++)
                row[i] = r.IsDBNull(i) ? null
                    : CatalogTables.IsPath(table.Name, table.Columns[i]) ? _paths.ToLocal(r.GetString(i))
                    : r.GetValue(i);
            yield return row;
        }
    }

    /// <summary>
    /// Writes another catalog's tables into this empty one in one transaction, ids kept; the identities then go on
    /// from the largest id copied, so no id is ever given twice.
    /// </summary>
    internal CopiedTables WriteAll(IEnumerable<CatalogRows> tables)
    {
        var written = new List<(string, long)>();
        // Not retried: the rows stream from the source once. A copy cut short leaves nothing (one transaction).
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        void Run(string sql)
        {
            using var command = new NpgsqlCommand(sql, c, tx) { CommandTimeout = 0 }; // a million faces take minutes
            command.ExecuteNonQuery();
        }
        try
        {
            // Counted once at the end, not by the triggers once per row copied (minutes at a million faces); people's
            // revisions not moved at all (a copy keeps no sums: each is read again when first needed).
            foreach (var (table, trigger) in PostgresSchema.TriggersOffWhileCopying) Run($"ALTER TABLE {table} DISABLE TRIGGER {trigger}");
            foreach (var table in tables)
            {
                CatalogTables.Check(table);
                var types = ColumnTypes(c, tx, table);
                long rows = 0;
                // COPY, not a statement a row: a million faces in minutes instead of most of an hour.
                using (var copy = c.BeginBinaryImport($"COPY {table.Table}({string.Join(", ", table.Columns)}) FROM STDIN (FORMAT BINARY)"))
                {
                    copy.Timeout = TimeSpan.Zero; // none: a table of a million rows is written as long as it takes
                    foreach (var row in table.Rows)
                    {
                        copy.StartRow();
                        for (int i = 0; i < row.Length; i++)
                        {
                            if (row[i] is not { } value) copy.WriteNull();
                            else if (CatalogTables.IsPath(table.Table, table.Columns[i])) copy.Write(_paths.ToCatalog((string)value), NpgsqlDbType.Text);
                            else copy.Write(As(value, types[i]), types[i]);
                        }
                        rows++;
                    }
                    copy.Complete();
                }
                written.Add((table.Table, rows));
            }
            Run(PostgresSchema.CountAll);
            foreach (var (table, trigger) in PostgresSchema.TriggersOffWhileCopying) Run($"ALTER TABLE {table} ENABLE TRIGGER {trigger}");
            foreach (var table in new[] { "photos", "faces", "people" })
                Run($"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)");
            // The deferred numbering of the embeddings' changes run now, with no time limit, rather than in the commit.
            Run("SET CONSTRAINTS ALL IMMEDIATE");
            tx.Commit();
            // Rows written in bulk are not known to the planner or marked all-visible until autovacuum comes by: until
            // then a page of the largest person's photos read every one of their rows from the table (0.6 s at a
            // million faces, against 40 ms from the index alone). VACUUM runs outside a transaction.
            using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) photos, people, faces, person_photos", c) { CommandTimeout = 0 };
            vacuum.ExecuteNonQuery();
        }
        catch (Exception e) when (PostgresConnections.Explain(e, Location) is { } explained)
        {
            throw explained;
        }
        return new CopiedTables(written);
    }

    /// <summary>Each copied column's type in this catalog's table, as COPY's binary form must be told.</summary>
    static NpgsqlDbType[] ColumnTypes(NpgsqlConnection c, NpgsqlTransaction tx, CatalogRows table)
    {
        using var cmd = new NpgsqlCommand("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t", c, tx);
        cmd.Parameters.AddWithValue("t", table.Table);
        var types = new Dictionary<string, string>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) types[r.GetString(0)] = r.GetString(1);
        return table.Columns.Select(column => types.GetValueOrDefault(column) switch
        {
            "bigint" => NpgsqlDbType.Bigint,
            "integer" => NpgsqlDbType.Integer,
            "double precision" => NpgsqlDbType.Double,
            "real" => NpgsqlDbType.Real,
            "text" => NpgsqlDbType.Text,
            "bytea" => NpgsqlDbType.Bytea,
            var other => throw new DamagedCatalogException($"{table.Table}.{column} is of a type a copy does not know ({other ?? "no such column"})"),
        }).ToArray();
    }

    /// <summary>A value as the column's type holds it (SQLite gives a whole number for a REAL that has no fraction, and the like).</summary>
    static object As(object value, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Bigint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Integer => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Double => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Real => Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Text => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        _ => value,
    };

    /// <summary>The kept counts (schema 6): each a sum of its changes, folded into one row once they are many.</summary>
    public CatalogCounts Counts()
    {
        var (counts, changes) = _db.Read(c =>
        {
            using var cmd = Command(c, "SELECT name, sum(delta)::bigint, count(*) FROM tally_changes GROUP BY name");
            using var r = cmd.ExecuteReader();
            var sums = new Dictionary<string, long>();
            long rows = 0;
            while (r.Read())
            {
                sums[r.GetString(0)] = r.GetInt64(1);
                rows += r.GetInt64(2);
            }
            int Of(string name) => (int)sums.GetValueOrDefault(name);
            return (new CatalogCounts(Of("photos"), Of("photos_with_faces"), Of("faces"), Of("failed")), rows);
        });
        FoldTallyChanges(changes);
        return counts;
    }

    public long PeopleRevision()
    {
        var (revision, changes) = _db.Read(c =>
        {
            using var cmd = Command(c, "SELECT coalesce(sum(delta) FILTER (WHERE name = 'people_revision'), 0)::bigint, count(*) FROM tally_changes");
            using var r = cmd.ExecuteReader();
            r.Read();
            return (r.GetInt64(0), r.GetInt64(1));
        });
        FoldTallyChanges(changes);
        return revision;
    }

    /// <summary>Folds the count changes into a row per count once a read met more than <see cref="FoldTallyChangesAt"/>.</summary>
    void FoldTallyChanges(long changes)
    {
        if (changes > FoldTallyChangesAt)
            // The rows read gone and their sums in their place, in one statement: changes committed meanwhile stay.
            _db.Write((c, tx) =>
            {
                Run(c, tx, """
                    WITH gone AS (DELETE FROM tally_changes RETURNING name, delta)
                    INSERT INTO tally_changes SELECT name, sum(delta) FROM gone GROUP BY name
                    """);
                return true;
            });
    }

    /// <summary>How many count changes a read sums before it folds them (a read of them stays a few milliseconds).</summary>
    const int FoldTallyChangesAt = 1000;

    internal static NpgsqlCommand Command(NpgsqlConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    internal static T Scalar<T>(NpgsqlConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, sql, parameters);
        return cmd.ExecuteScalar() is T value ? value : throw new DamagedCatalogException($"{StoredValues.Damage} ({sql} gave nothing)");
    }

    /// <summary>A count or size the schema promises: a NULL is damage, as <see cref="StoredValues"/> says it for SQLite.</summary>
    static int Int(NpgsqlDataReader r, int i) => r.IsDBNull(i)
        ? throw new DamagedCatalogException($"{StoredValues.Damage} (column {r.GetName(i)} holds nothing)")
        : (int)r.GetInt64(i);

    /// <summary>Exactly <paramref name="count"/> float32 values, as the catalog writes vectors and landmark points.</summary>
    internal static float[] Floats(NpgsqlDataReader r, int i, int count)
    {
        var bytes = r.GetFieldValue<byte[]>(i);
        if (bytes.Length != count * sizeof(float))
            throw new DamagedCatalogException($"{StoredValues.Damage} (column {r.GetName(i)} holds {bytes.Length} bytes instead of {count * sizeof(float)})");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    public void Dispose()
    {
        // The connections belong to the store, which may hand out more catalogs.
    }
}
