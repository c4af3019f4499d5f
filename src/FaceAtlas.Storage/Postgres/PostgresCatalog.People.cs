using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

public sealed partial class PostgresCatalog
{
    /// <summary>The advisory lock that makes clustering one at a time per catalog (any number of machines).</summary>
    const long ClusteringLockKey = 0x4661636541746C02;

    public IDisposable ClusteringTurn(Action waiting)
    {
        var connection = _db.Open();
        try
        {
            if (!Scalar<bool>(connection, $"SELECT pg_try_advisory_lock({ClusteringLockKey})"))
            {
                waiting();
                using var wait = Command(connection, $"SELECT pg_advisory_lock({ClusteringLockKey})");
                wait.CommandTimeout = 0; // as long as the other clustering takes
                wait.ExecuteNonQuery();
            }
            return new Turn(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A session's advisory lock: let go when the session ends, so a clustering killed mid-way holds nothing.</summary>
    sealed class Turn(NpgsqlConnection connection) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                using var unlock = Command(connection, $"SELECT pg_advisory_unlock({ClusteringLockKey})");
                unlock.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // The server went away: the session, and its lock, are gone already.
            }
            connection.Dispose();
        }
    }

    public IEnumerable<PersonFace> FacesInPeople()
    {
        using var c = _db.Open();
        using var cmd = Command(c, CatalogTables.FacesInPeople);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new PersonFace(r.GetInt64(6), r.GetInt64(0), r.GetInt64(1), Floats(r, 2, Embeddings.Dimensions), (float)r.GetDouble(3), r.IsDBNull(4) ? null : (float)r.GetDouble(4),
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5)));
    }

    public IEnumerable<PersonFaceSeen> FacesSeenInPeople()
    {
        using var c = _db.Open();
        using var cmd = Command(c, CatalogTables.FacesSeenInPeople);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new PersonFaceSeen(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), (float)r.GetDouble(3), r.IsDBNull(4) ? null : (float)r.GetDouble(4),
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5)));
    }

    public IReadOnlyList<StoredFace> FacesInNoPerson(int newest) => _db.Read(c =>
    {
        using var cmd = Command(c, $"""
            SELECT f.id, f.photo_id, e.vector, f.assigned_by, f.clustered, {CatalogTables.TakenDay}
            FROM faces f JOIN embeddings e ON e.face_id = f.id JOIN photos p ON p.id = f.photo_id
            WHERE f.person_id IS NULL AND f.ignored = 0 AND f.not_face = 0 ORDER BY f.id DESC LIMIT @n
            """, ("n", newest));
        using var r = cmd.ExecuteReader();
        var faces = new List<StoredFace>();
        while (r.Read())
            faces.Add(new StoredFace(r.GetInt64(0), r.GetInt64(1), Floats(r, 2, Embeddings.Dimensions), null, (FaceAssignment)r.GetInt64(3), [], r.GetInt64(4) != 0,
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5))));
        return (IReadOnlyList<StoredFace>)faces;
    });

    public IReadOnlyList<StoredFace> FacesForClustering() => _db.Read(c =>
    {
        var rejections = new Dictionary<long, List<long>>();
        using (var cmd = Command(c, "SELECT face_id, person_id FROM face_rejections"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                (rejections.TryGetValue(r.GetInt64(0), out var list) ? list : rejections[r.GetInt64(0)] = []).Add(r.GetInt64(1));
        var faces = new List<StoredFace>();
        // Every face: the rejections read in one pass above, not by a subquery a row.
        using (var cmd = Command(c, $"SELECT {ClusteringColumns} {ClusteringFrom} WHERE f.ignored = 0 AND f.not_face = 0 ORDER BY f.id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                faces.Add(ClusteringFace(r, rejections.TryGetValue(r.GetInt64(0), out var rejected) ? rejected : []));
        return faces;
    });

    /// <summary>A face row as clustering reads it: id, photo, vector, person, assigned_by, clustered, the day (columns in that order).</summary>
    const string ClusteringColumns = $"f.id, f.photo_id, e.vector, f.person_id, f.assigned_by, f.clustered, {CatalogTables.TakenDay}";

    const string ClusteringFrom = "FROM faces f JOIN embeddings e ON e.face_id = f.id JOIN photos p ON p.id = f.photo_id";

    /// <summary>The face a <see cref="ClusteringColumns"/> row holds, with the people it was rejected from.</summary>
    static StoredFace ClusteringFace(NpgsqlDataReader r, IReadOnlyCollection<long> rejected) =>
        new(r.GetInt64(0), r.GetInt64(1), Floats(r, 2, Embeddings.Dimensions), r.IsDBNull(3) ? null : r.GetInt64(3), (FaceAssignment)r.GetInt64(4),
            rejected, r.GetInt64(5) != 0, CatalogTables.Day(r.IsDBNull(6) ? null : r.GetString(6)));

    public IReadOnlyList<StoredFace> FacesForClustering(IReadOnlyCollection<long> faces) => _db.Read(c =>
        ReadClusteringFaces(Command(c, $"{FewClusteringFaces} WHERE f.id = ANY(@f) AND f.ignored = 0 AND f.not_face = 0 ORDER BY f.id",
            ("f", faces.Distinct().ToArray()))));

    public IReadOnlyList<StoredFace> FacesNotClustered(int limit) => _db.Read(c =>
        ReadClusteringFaces(Command(c, $"{FewClusteringFaces} WHERE f.person_id IS NULL AND f.clustered = 0 AND f.ignored = 0 AND f.not_face = 0 ORDER BY f.id LIMIT @n",
            ("n", (long)limit + 1))));

    /// <summary>Clustering's columns with each face's rejections beside them (column 7): for a few faces, not every one.</summary>
    const string FewClusteringFaces = $"""
        SELECT {ClusteringColumns}, ARRAY(SELECT x.person_id FROM face_rejections x WHERE x.face_id = f.id) AS rejected
        {ClusteringFrom}
        """;

    static IReadOnlyList<StoredFace> ReadClusteringFaces(NpgsqlCommand cmd)
    {
        using (cmd)
        using (var r = cmd.ExecuteReader())
        {
            var faces = new List<StoredFace>();
            while (r.Read()) faces.Add(ClusteringFace(r, r.GetFieldValue<long[]>(7)));
            return faces;
        }
    }

    public IReadOnlyList<PersonAsCluster> PeopleAsClusters(IReadOnlyCollection<long> people, IReadOnlyCollection<long> photos)
    {
        var (sums, toKeep, present) = _db.Read(c =>
        {
            // One snapshot: each sum read again from the faces holds at the revision read beside it.
            using var tx = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            var kept = KeptSums(c, tx, people.Distinct().ToList());
            var read = SumsFromFaces(c, tx, kept.Values.Where(k => !k.Current).ToDictionary(k => k.Person, k => k.Revision), everyFace: false);
            var sums = kept.Values.Where(k => k.Current).Select(k => new SumToKeep(k.Person, k.Revision, k.Faces, k.Sum!)).Concat(read).ToList();
            var present = new Dictionary<long, HashSet<long>>();
            using (var cmd = Command(c, """
                SELECT DISTINCT f.person_id, f.photo_id FROM faces f JOIN embeddings e ON e.face_id = f.id
                WHERE f.photo_id = ANY(@ph) AND f.person_id = ANY(@p) AND f.ignored = 0 AND f.not_face = 0
                """, ("ph", photos.Distinct().ToArray()), ("p", kept.Keys.ToArray())))
            {
                cmd.Transaction = tx;
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    (present.TryGetValue(r.GetInt64(0), out var set) ? set : present[r.GetInt64(0)] = []).Add(r.GetInt64(1));
            }
            tx.Commit();
            return (sums, read, present);
        });
        KeepInTurns(toKeep);
        return PersonSums.AsClusters(sums, present);
    }

    public IReadOnlyList<PersonAsCluster> EveryPersonAsCluster()
    {
        var (clusters, read) = _db.Read(c =>
        {
            using var tx = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            var everyone = new EveryPerson();
            using (var cmd = Command(c, "SELECT p.id, p.faces_rev, s.faces_rev, s.faces, s.sum, p.face_count FROM people p LEFT JOIN person_sums s ON s.person_id = p.id"))
            {
                cmd.Transaction = tx;
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    everyone.Add(r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? 0 : r.GetInt64(3),
                        () => r.GetFieldValue<byte[]>(4), r.GetInt64(5));
            }
            var read = SumsFromFaces(c, tx, everyone.Stale, everyone.ReadEveryFace);
            tx.Commit();
            return (everyone.Current, read);
        });
        KeepInTurns(read);
        clusters.AddRange(PersonSums.AsClusters(read, new Dictionary<long, HashSet<long>>()));
        return clusters;
    }

    /// <summary>
    /// The sums of these people (each with the revision read in <paramref name="tx"/>'s snapshot) read from their
    /// faces: through the person index, or, <paramref name="everyFace"/>, in one pass over every face in a person
    /// (many people's faces are read faster in the table's order than by seeking each).
    /// </summary>
    static List<SumToKeep> SumsFromFaces(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyDictionary<long, long> revisions, bool everyFace)
    {
        if (revisions.Count == 0) return [];
        var sums = new SumsReadAgain(revisions);
        using var cmd = Command(c, $"""
            SELECT f.person_id, e.vector FROM faces f JOIN embeddings e ON e.face_id = f.id
            WHERE {(everyFace ? "f.person_id IS NOT NULL" : "f.person_id = ANY(@p)")} AND f.ignored = 0 AND f.not_face = 0
            """, everyFace ? [] : [("p", revisions.Keys.ToArray())]);
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        while (r.Read()) sums.Add(r.GetInt64(0), Floats(r, 1, Embeddings.Dimensions));
        return sums.Read();
    }

    /// <summary>Keeps sums read outside a change, a few hundred per transaction: a change waits for one turn, not all.</summary>
    void KeepInTurns(IReadOnlyList<SumToKeep> sums)
    {
        foreach (var turn in sums.Chunk(PersonSums.KeptPerTurn))
            try
            {
                _db.Write((c, tx) => Keep(c, tx, turn));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // A person removed by another change as their sum was written: the turn's sums are read again when asked.
            }
    }

    /// <summary>Where these faces are, as a kept sum sees it (faces that do not exist are left out); <paramref name="lockRows"/>: locked until the transaction ends.</summary>
    static Dictionary<long, FacePlace> FacePlaces(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyCollection<long> faces, bool lockRows)
    {
        using var cmd = Command(c, $"""
            SELECT f.id, f.person_id, f.ignored, f.not_face, EXISTS (SELECT 1 FROM embeddings e WHERE e.face_id = f.id)
            FROM faces f WHERE f.id = ANY(@f) ORDER BY f.id{(lockRows ? " FOR UPDATE OF f" : "")}
            """, ("f", faces.Distinct().ToArray()));
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        var places = new Dictionary<long, FacePlace>();
        while (r.Read())
            places[r.GetInt64(0)] = new FacePlace(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetInt64(2) != 0, r.GetInt64(3) != 0, r.GetBoolean(4));
        return places;
    }

    /// <summary>These people's revisions and kept sums (people who do not exist are left out).</summary>
    static Dictionary<long, KeptSum> KeptSums(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyCollection<long> people)
    {
        using var cmd = Command(c, """
            SELECT p.id, p.faces_rev, s.faces_rev, s.faces, s.sum FROM people p LEFT JOIN person_sums s ON s.person_id = p.id WHERE p.id = ANY(@p)
            """, ("p", people.ToArray()));
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        var kept = new Dictionary<long, KeptSum>();
        while (r.Read())
        {
            long person = r.GetInt64(0);
            kept[person] = r.IsDBNull(2) ? new KeptSum(person, r.GetInt64(1), null, 0, null)
                : new KeptSum(person, r.GetInt64(1), r.GetInt64(2), (int)r.GetInt64(3), PersonSums.Decode(r.GetFieldValue<byte[]>(4)));
        }
        return kept;
    }

    static Dictionary<long, float[]> EmbeddingsOf(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyCollection<long> faces)
    {
        using var cmd = Command(c, "SELECT face_id, vector FROM embeddings WHERE face_id = ANY(@f)", ("f", faces.ToArray()));
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        var embeddings = new Dictionary<long, float[]>();
        while (r.Read()) embeddings[r.GetInt64(0)] = Floats(r, 1, Embeddings.Dimensions);
        return embeddings;
    }

    /// <summary>
    /// Keeps these sums, each while its person is still at its revision (a sum read before a change that came since is
    /// not worth keeping) and newer than the one kept. A person removed meanwhile takes their sum with them (the
    /// reference's cascade), or the reference refuses it.
    /// </summary>
    static void Keep(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyCollection<SumToKeep> sums)
    {
        if (sums.Count == 0) return;
        using var cmd = Command(c, """
            INSERT INTO person_sums(person_id, faces_rev, faces, sum)
                SELECT k.person, k.rev, k.faces, k.sum FROM unnest(@p, @r, @n, @s) AS k(person, rev, faces, sum)
                JOIN people p ON p.id = k.person AND p.faces_rev = k.rev
            ON CONFLICT (person_id) DO UPDATE SET faces_rev = excluded.faces_rev, faces = excluded.faces, sum = excluded.sum
                WHERE excluded.faces_rev > person_sums.faces_rev
            """, ("p", sums.Select(s => s.Person).ToArray()), ("r", sums.Select(s => s.Revision).ToArray()),
            ("n", sums.Select(s => (long)s.Faces).ToArray()), ("s", sums.Select(s => PersonSums.Encode(s.Sum)).ToArray()));
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The transaction-scoped advisory lock that makes changes to people one at a time per catalog.</summary>
    const long PeopleChangeLockKey = 0x4661636541746C03;

    /// <summary>
    /// One change to people, after every change begun before it: under READ COMMITTED two undos, or an undo and a
    /// change, could otherwise each read the same newest change and both act on it.
    /// </summary>
    public T Change<T>(Func<IPeopleRows, T> change) => _db.Write((c, tx) =>
    {
        using (var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PeopleChangeLockKey})", c, tx)) cmd.ExecuteNonQuery();
        return change(new Rows(c, tx));
    });

    /// <summary>A person's row with the counts the schema's triggers keep (never a count of their faces).</summary>
    const string PersonColumns = "SELECT p.id, p.name, p.face_count, p.photo_count, p.hidden, p.cover_face_id, p.birth FROM people p";

    public IReadOnlyList<PersonSummary> People(bool includeHidden) => _db.Read(c =>
        ReadPeople(Command(c, $"{PersonColumns} {(includeHidden ? "" : "WHERE p.hidden = 0")} ORDER BY p.face_count DESC, p.id")));

    public PersonList PeoplePage(bool includeHidden, bool namedOnly, int offset, int limit) => _db.Read(c =>
    {
        string where = string.Join(" AND ", new[] { includeHidden ? null : "p.hidden = 0", namedOnly ? "p.name IS NOT NULL" : null }.OfType<string>().DefaultIfEmpty("true"));
        int total = (int)Scalar<long>(c, $"SELECT count(*) FROM people p WHERE {where}");
        return new PersonList(total, ReadPeople(Command(c, $"{PersonColumns} WHERE {where} ORDER BY p.face_count DESC, p.id LIMIT @limit OFFSET @offset",
            ("limit", limit), ("offset", offset))));
    });

    public IReadOnlyList<NamedPerson> NamedPeople(bool includeHidden) => _db.Read(c =>
    {
        using var cmd = Command(c, $"SELECT id, name, face_count FROM people WHERE name IS NOT NULL{(includeHidden ? "" : " AND hidden = 0")}");
        using var r = cmd.ExecuteReader();
        var named = new List<NamedPerson>();
        while (r.Read()) named.Add(new NamedPerson(r.GetInt64(0), r.GetString(1), (int)r.GetInt64(2)));
        return (IReadOnlyList<NamedPerson>)named;
    });

    public IReadOnlyList<PersonSummary> PeopleWithIds(IReadOnlyCollection<long> ids) => _db.Read(c =>
        (IReadOnlyList<PersonSummary>)ReadPeople(Command(c, $"{PersonColumns} WHERE p.id = ANY(@ids)", ("ids", ids.Distinct().ToArray()))));

    public PersonSummary? Person(long id) => _db.Read(c =>
        ReadPeople(Command(c, $"{PersonColumns} WHERE p.id = @id", ("id", id))).SingleOrDefault());

    public int PeopleCount() => _db.Read(c => (int)Scalar<long>(c, "SELECT count(*) FROM people"));

    public IReadOnlyDictionary<long, string?> Names(IReadOnlyCollection<long> people) => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT id, name FROM people WHERE id = ANY(@p)", ("p", people.Distinct().ToArray()));
        using var r = cmd.ExecuteReader();
        var names = new Dictionary<long, string?>();
        while (r.Read()) names[r.GetInt64(0)] = r.IsDBNull(1) ? null : r.GetString(1);
        return (IReadOnlyDictionary<long, string?>)names;
    });

    public IReadOnlyDictionary<long, DateOnly> Births(IReadOnlyCollection<long> people) => _db.Read(c =>
        Days(c, "SELECT id, birth FROM people WHERE id = ANY(@ids) AND birth IS NOT NULL", people));

    public IReadOnlyDictionary<long, DateOnly> Births() => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT id, birth FROM people WHERE birth IS NOT NULL");
        return ReadDays(cmd);
    });

    public IReadOnlyDictionary<long, DateOnly> FaceDays(IReadOnlyCollection<long> faces) => _db.Read(c =>
        Days(c, $"SELECT f.id, {CatalogTables.TakenDay} AS day FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ANY(@ids)", faces));

    static IReadOnlyDictionary<long, DateOnly> Days(NpgsqlConnection c, string sql, IReadOnlyCollection<long> ids)
    {
        using var cmd = Command(c, sql, ("ids", ids.Distinct().ToArray()));
        return ReadDays(cmd);
    }

    /// <summary>A day for each row (id, day text) that holds one.</summary>
    static Dictionary<long, DateOnly> ReadDays(NpgsqlCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var days = new Dictionary<long, DateOnly>();
        while (r.Read())
            if (CatalogTables.Day(r.IsDBNull(1) ? null : r.GetString(1)) is { } day) days[r.GetInt64(0)] = day;
        return days;
    }

    static List<PersonSummary> ReadPeople(NpgsqlCommand cmd)
    {
        using (cmd)
        using (var r = cmd.ExecuteReader())
        {
            var people = new List<PersonSummary>();
            while (r.Read())
                people.Add(new PersonSummary(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3),
                    r.GetInt64(4) != 0, r.IsDBNull(5) ? null : r.GetInt64(5), CatalogTables.Day(r.IsDBNull(6) ? null : r.GetString(6))));
            return people;
        }
    }

    public IReadOnlyList<long> FacesOf(long person) => _db.Read(c => Ids(c, "SELECT id FROM faces WHERE person_id = @p ORDER BY id", ("p", person)));

    public IReadOnlyDictionary<long, long?> FacePeople(IReadOnlyCollection<long> faceIds) => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT id, person_id FROM faces WHERE id = ANY(@f)", ("f", faceIds.ToArray()));
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<long, long?>();
        while (r.Read()) result[r.GetInt64(0)] = r.IsDBNull(1) ? null : r.GetInt64(1);
        return (IReadOnlyDictionary<long, long?>)result;
    });

    public IReadOnlyDictionary<long, IReadOnlyList<string>> PhotosByPerson() => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT DISTINCT f.person_id, p.path FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.person_id IS NOT NULL ORDER BY 1, 2");
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<long, List<string>>();
        while (r.Read())
            (result.TryGetValue(r.GetInt64(0), out var list) ? list : result[r.GetInt64(0)] = []).Add(_paths.ToLocal(r.GetString(1)));
        return (IReadOnlyDictionary<long, IReadOnlyList<string>>)result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    });

    public IReadOnlyList<string> PhotosWithoutPeople() => _db.Read(c =>
    {
        using var cmd = Command(c, """
            SELECT path FROM photos p WHERE failure IS NULL
            AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.photo_id = p.id AND f.person_id IS NOT NULL) ORDER BY path
            """);
        using var r = cmd.ExecuteReader();
        var paths = new List<string>();
        while (r.Read()) paths.Add(_paths.ToLocal(r.GetString(0)));
        return (IReadOnlyList<string>)paths;
    });

    public IReadOnlyList<long> Forget(long person)
    {
        var faces = _db.Write((c, tx) =>
        {
            var ids = Ids(c, tx, "SELECT id FROM faces WHERE person_id = @p ORDER BY id", ("p", person));
            Run(c, tx, "INSERT INTO forgotten_faces(photo_id, x, y, w, h) SELECT photo_id, x, y, w, h FROM faces WHERE person_id = @p", ("p", person));
            Run(c, tx, "DELETE FROM faces WHERE person_id = @p", ("p", person));
            Run(c, tx, "DELETE FROM distinct_people WHERE a = @p OR b = @p", ("p", person));
            Run(c, tx, "DELETE FROM face_rejections WHERE person_id = @p", ("p", person));
            Run(c, tx, "DELETE FROM people WHERE id = @p", ("p", person));
            return ids;
        });
        // Deleted rows stay in the table's pages until they are rewritten: VACUUM FULL rewrites the tables that held
        // the person's faces, so no copy of an embedding is left in them (the server's WAL archive and backups, if
        // its administrator keeps any, are theirs to expire).
        _db.Read(c =>
        {
            foreach (var table in new[] { "embeddings", "faces", "face_rejections" })
                using (var vacuum = Command(c, $"VACUUM FULL {table}")) { vacuum.CommandTimeout = 0; vacuum.ExecuteNonQuery(); }
            return true;
        });
        return faces;
    }

    public IReadOnlySet<(long, long)> DistinctPeople() => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT a, b FROM distinct_people");
        using var r = cmd.ExecuteReader();
        var pairs = new HashSet<(long, long)>();
        while (r.Read()) pairs.Add((r.GetInt64(0), r.GetInt64(1)));
        return (IReadOnlySet<(long, long)>)pairs;
    });

    public IReadOnlyList<RecordedChange> History(int limit) => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT id, at, kind, summary, undone FROM changes ORDER BY id DESC LIMIT @n", ("n", (long)limit));
        using var r = cmd.ExecuteReader();
        var changes = new List<RecordedChange>();
        while (r.Read()) changes.Add(new RecordedChange(r.GetInt64(0), StoredTime(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetInt64(4) != 0));
        return (IReadOnlyList<RecordedChange>)changes;
    });

    /// <summary>A time the catalog wrote as round-trip text, in UTC.</summary>
    static DateTime StoredTime(string text) =>
        DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);

    public IReadOnlyList<long> IgnoredFaces() => _db.Read(c => Ids(c, "SELECT id FROM faces WHERE ignored = 1 AND not_face = 0 ORDER BY id"));

    static void Run(NpgsqlConnection c, NpgsqlTransaction tx, string sql, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, sql, parameters);
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    static IReadOnlyList<long> Ids(NpgsqlConnection c, string sql, params (string, object?)[] parameters) => Ids(c, null, sql, parameters);

    static IReadOnlyList<long> Ids(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, sql, parameters);
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }
}
