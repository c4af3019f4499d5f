using FaceAtlas.Core.People;
using FaceAtlas.Vision;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

public sealed partial class PostgresCatalog
{
    const int Machine = (int)FaceAssignment.Machine, User = (int)FaceAssignment.User;

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

    public IReadOnlyList<StoredFace> FacesForClustering() => _db.Read(c =>
    {
        var rejections = new Dictionary<long, List<long>>();
        using (var cmd = Command(c, "SELECT face_id, person_id FROM face_rejections"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                (rejections.TryGetValue(r.GetInt64(0), out var list) ? list : rejections[r.GetInt64(0)] = []).Add(r.GetInt64(1));
        var faces = new List<StoredFace>();
        using (var cmd = Command(c, """
            SELECT f.id, f.photo_id, e.vector, f.person_id, f.assigned_by, f.clustered
            FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.ignored = 0 ORDER BY f.id
            """))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                faces.Add(new StoredFace(r.GetInt64(0), r.GetInt64(1), Floats(r, 2, FaceEmbedder.Dimensions),
                    r.IsDBNull(3) ? null : r.GetInt64(3), (FaceAssignment)r.GetInt64(4),
                    rejections.TryGetValue(r.GetInt64(0), out var rejected) ? rejected : [], r.GetInt64(5) != 0));
        return faces;
    });

    public IReadOnlyList<long> ApplyClustering(IReadOnlyList<PersonCluster> clusters, IReadOnlyCollection<long> unassigned) => _db.Write((c, tx) =>
    {
        var ids = new List<long>(clusters.Count);
        foreach (var cluster in clusters)
        {
            long person = cluster.PersonId ?? NewPerson(c, tx);
            ids.Add(person);
            Run(c, tx, "UPDATE faces SET person_id = @p, assigned_by = @m WHERE id = ANY(@f) AND assigned_by <> @u",
                ("p", person), ("m", Machine), ("f", cluster.FaceIds.ToArray()), ("u", User));
        }
        Run(c, tx, "UPDATE faces SET person_id = NULL, assigned_by = 0 WHERE id = ANY(@f) AND assigned_by <> @u",
            ("f", unassigned.ToArray()), ("u", User));
        Run(c, tx, "UPDATE faces SET clustered = 1 WHERE id = ANY(@f)",
            ("f", clusters.SelectMany(cl => cl.FaceIds).Concat(unassigned).ToArray()));
        AfterFacesMoved(c, tx);
        return ids;
    });

    /// <summary>The two rules that follow any move of faces between people (the catalog contract checks both).</summary>
    static void AfterFacesMoved(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        DropUnnamedPeopleWithoutFaces(c, tx);
        CoverEachPersonWithTheirOwnFace(c, tx);
    }

    static void DropUnnamedPeopleWithoutFaces(NpgsqlConnection c, NpgsqlTransaction tx) =>
        Run(c, tx, "DELETE FROM people WHERE name IS NULL AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)");

    /// <summary>A person whose cover is missing or no longer theirs is covered by their most confident, largest face.</summary>
    static void CoverEachPersonWithTheirOwnFace(NpgsqlConnection c, NpgsqlTransaction tx) =>
        Run(c, tx, """
            UPDATE people SET cover_face_id = (
                SELECT f.id FROM faces f WHERE f.person_id = people.id ORDER BY f.score * f.w * f.h DESC, f.id LIMIT 1)
            WHERE cover_face_id IS NULL OR NOT EXISTS (SELECT 1 FROM faces f WHERE f.id = people.cover_face_id AND f.person_id = people.id)
            """);

    static long NewPerson(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        using var cmd = Command(c, "INSERT INTO people(created_at) VALUES (@at) RETURNING id", ("at", DateTime.UtcNow.ToString("O")));
        cmd.Transaction = tx;
        return (long)cmd.ExecuteScalar()!;
    }

    const string PersonColumns = """
        SELECT p.id, p.name, count(f.id), count(DISTINCT f.photo_id), p.hidden, p.cover_face_id
        FROM people p LEFT JOIN faces f ON f.person_id = p.id
        """;

    public IReadOnlyList<PersonSummary> People(bool includeHidden) => _db.Read(c =>
        ReadPeople(Command(c, $"{PersonColumns} {(includeHidden ? "" : "WHERE p.hidden = 0")} GROUP BY p.id ORDER BY count(f.id) DESC, p.id")));

    public PersonSummary? Person(long id) => _db.Read(c =>
        ReadPeople(Command(c, $"{PersonColumns} WHERE p.id = @id GROUP BY p.id", ("id", id))).SingleOrDefault());

    static List<PersonSummary> ReadPeople(NpgsqlCommand cmd)
    {
        using (cmd)
        using (var r = cmd.ExecuteReader())
        {
            var people = new List<PersonSummary>();
            while (r.Read())
                people.Add(new PersonSummary(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3),
                    r.GetInt64(4) != 0, r.IsDBNull(5) ? null : r.GetInt64(5)));
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

    public void Rename(long person, string name) => _db.Write((c, tx) =>
    {
        Run(c, tx, "UPDATE people SET name = @n WHERE id = @p", ("n", name), ("p", person));
        // Naming a person is saying its faces are right.
        Run(c, tx, "UPDATE faces SET assigned_by = @u WHERE person_id = @p", ("u", User), ("p", person));
    });

    public void SetHidden(long person, bool hidden) =>
        _db.Write((c, tx) => Run(c, tx, "UPDATE people SET hidden = @h WHERE id = @p", ("h", hidden ? 1L : 0L), ("p", person)));

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

    public void MarkDistinct(long a, long b) => _db.Write((c, tx) =>
        Run(c, tx, "INSERT INTO distinct_people(a, b) VALUES (@a, @b) ON CONFLICT DO NOTHING", ("a", Math.Min(a, b)), ("b", Math.Max(a, b))));

    public IReadOnlySet<(long, long)> DistinctPeople() => _db.Read(c =>
    {
        using var cmd = Command(c, "SELECT a, b FROM distinct_people");
        using var r = cmd.ExecuteReader();
        var pairs = new HashSet<(long, long)>();
        while (r.Read()) pairs.Add((r.GetInt64(0), r.GetInt64(1)));
        return (IReadOnlySet<(long, long)>)pairs;
    });

    public void Merge(long into, IReadOnlyList<long> from) => _db.Write((c, tx) =>
    {
        foreach (var source in from)
        {
            // An unnamed target takes the first source's name.
            Run(c, tx, "UPDATE people SET name = (SELECT name FROM people WHERE id = @from) WHERE id = @into AND name IS NULL", ("from", source), ("into", into));
            Run(c, tx, "UPDATE faces SET person_id = @into, assigned_by = @u WHERE person_id = @from", ("into", into), ("u", User), ("from", source));
            Run(c, tx, "INSERT INTO face_rejections(face_id, person_id) SELECT face_id, @into FROM face_rejections WHERE person_id = @from ON CONFLICT DO NOTHING",
                ("into", into), ("from", source));
            Run(c, tx, "DELETE FROM face_rejections WHERE person_id = @from", ("from", source));
            Run(c, tx, "DELETE FROM people WHERE id = @from", ("from", source));
        }
        Run(c, tx, "UPDATE faces SET assigned_by = @u WHERE person_id = @into", ("u", User), ("into", into));
        AfterFacesMoved(c, tx);
    });

    public long MoveFaces(IReadOnlyList<long> faces, long? person) => _db.Write((c, tx) =>
    {
        long target = person ?? NewPerson(c, tx);
        Run(c, tx, "UPDATE faces SET person_id = @p, assigned_by = @u WHERE id = ANY(@f)", ("p", target), ("u", User), ("f", faces.ToArray()));
        // Moving a face into a person takes back an earlier "not this person".
        Run(c, tx, "DELETE FROM face_rejections WHERE face_id = ANY(@f) AND person_id = @p", ("f", faces.ToArray()), ("p", target));
        AfterFacesMoved(c, tx);
        return target;
    });

    public void RejectFaces(IReadOnlyList<long> faces, long person) => _db.Write((c, tx) =>
    {
        // Out of the person, the face looks for its neighbours again: it may be someone else.
        Run(c, tx, "UPDATE faces SET person_id = NULL, assigned_by = 0, clustered = 0 WHERE id = ANY(@f) AND person_id = @p",
            ("f", faces.ToArray()), ("p", person));
        Run(c, tx, "INSERT INTO face_rejections(face_id, person_id) SELECT f, @p FROM unnest(@f) AS f ON CONFLICT DO NOTHING",
            ("f", faces.ToArray()), ("p", person));
        AfterFacesMoved(c, tx);
    });

    public void SetIgnored(IReadOnlyList<long> faces, bool ignored) => _db.Write((c, tx) =>
    {
        Run(c, tx, ignored
            ? "UPDATE faces SET ignored = 1, person_id = NULL, assigned_by = 2 WHERE id = ANY(@f)"
            : "UPDATE faces SET ignored = 0, assigned_by = 0, clustered = 0 WHERE id = ANY(@f) AND ignored = 1", ("f", faces.ToArray()));
        AfterFacesMoved(c, tx);
    });

    public void SetCover(long person, long face) =>
        _db.Write((c, tx) => Run(c, tx, "UPDATE people SET cover_face_id = @f WHERE id = @p", ("f", face), ("p", person)));

    public IReadOnlyList<long> IgnoredFaces() => _db.Read(c => Ids(c, "SELECT id FROM faces WHERE ignored = 1 ORDER BY id"));

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
