using FaceAtlas.Core.People;
using FaceAtlas.Vision;
using Microsoft.Data.Sqlite;
using static FaceAtlas.Storage.SqlCommands;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    const int Machine = (int)FaceAssignment.Machine, User = (int)FaceAssignment.User;

    /// <summary>A catalog file has one writer at a time (its lock), so clustering never meets another.</summary>
    public IDisposable ClusteringTurn(Action waiting) => NoTurn.Instance;

    sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();
        public void Dispose() { }
    }

    public IReadOnlyList<StoredFace> FacesForClustering()
    {
        var rejections = new Dictionary<long, List<long>>();
        using (var cmd = Command("SELECT face_id, person_id FROM face_rejections"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                (rejections.TryGetValue(r.Long(0), out var list) ? list : rejections[r.Long(0)] = []).Add(r.Long(1));

        var faces = new List<StoredFace>();
        using (var cmd = Command("""
            SELECT f.id, f.photo_id, e.vector, f.person_id, f.assigned_by, f.clustered
            FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.ignored = 0 ORDER BY f.id
            """))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                faces.Add(new StoredFace(r.Long(0), r.Long(1), r.Floats(2, FaceEmbedder.Dimensions),
                    r.IsDBNull(3) ? null : r.Long(3), (FaceAssignment)r.Int(4),
                    rejections.TryGetValue(r.Long(0), out var rejected) ? rejected : [], r.Int(5) != 0));
        return faces;
    }

    public IReadOnlyList<long> ApplyClustering(IReadOnlyList<PersonCluster> clusters, IReadOnlyCollection<long> unassigned)
    {
        using var tx = _connection.BeginTransaction();
        using var assign = Command("UPDATE faces SET person_id = $p, assigned_by = $m WHERE id = $f AND assigned_by <> $u", tx, "$p", "$m", "$f", "$u");
        var ids = new List<long>(clusters.Count);
        foreach (var cluster in clusters)
        {
            long person = cluster.PersonId ?? NewPerson(tx);
            ids.Add(person);
            foreach (var face in cluster.FaceIds)
                Run(assign, person, Machine, face, User);
        }
        using var clear = Command("UPDATE faces SET person_id = NULL, assigned_by = 0 WHERE id = $f AND assigned_by <> $u", tx, "$f", "$u");
        foreach (var face in unassigned)
            Run(clear, face, User);
        using var done = Command("UPDATE faces SET clustered = 1 WHERE id = $f", tx, "$f");
        foreach (var face in clusters.SelectMany(c => c.FaceIds).Concat(unassigned))
            Run(done, face);
        AfterFacesMoved(tx);
        tx.Commit();
        return ids;
    }

    /// <summary>The two rules that follow any move of faces between people (the catalog contract checks both).</summary>
    void AfterFacesMoved(SqliteTransaction tx)
    {
        DropUnnamedPeopleWithoutFaces(tx);
        CoverEachPersonWithTheirOwnFace(tx);
    }

    void DropUnnamedPeopleWithoutFaces(SqliteTransaction tx)
    {
        using var drop = Command("DELETE FROM people WHERE name IS NULL AND id NOT IN (SELECT DISTINCT person_id FROM faces WHERE person_id IS NOT NULL)", tx);
        drop.ExecuteNonQuery();
    }

    /// <summary>A person whose cover is missing or no longer theirs is covered by their most confident, largest face.</summary>
    void CoverEachPersonWithTheirOwnFace(SqliteTransaction tx)
    {
        using var cover = Command("""
            UPDATE people SET cover_face_id = (
                SELECT f.id FROM faces f WHERE f.person_id = people.id ORDER BY f.score * f.w * f.h DESC, f.id LIMIT 1)
            WHERE cover_face_id IS NULL OR cover_face_id NOT IN (SELECT id FROM faces WHERE person_id = people.id)
            """, tx);
        cover.ExecuteNonQuery();
    }

    long NewPerson(SqliteTransaction tx)
    {
        using var cmd = Command("INSERT INTO people(created_at) VALUES ($at) RETURNING id", tx, "$at");
        cmd.Parameters[0].Value = DateTime.UtcNow.ToString("O");
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    const string PersonColumns = """
        SELECT p.id, p.name, count(f.id), count(DISTINCT f.photo_id), p.hidden, p.cover_face_id
        FROM people p LEFT JOIN faces f ON f.person_id = p.id
        """;

    public IReadOnlyList<PersonSummary> People(bool includeHidden) =>
        ReadPeople(Command($"{PersonColumns} {(includeHidden ? "" : "WHERE p.hidden = 0")} GROUP BY p.id ORDER BY count(f.id) DESC, p.id"));

    public PersonSummary? Person(long id)
    {
        var cmd = Command($"{PersonColumns} WHERE p.id = $id GROUP BY p.id", null, "$id");
        cmd.Parameters[0].Value = id;
        return ReadPeople(cmd).SingleOrDefault();
    }

    static List<PersonSummary> ReadPeople(SqliteCommand cmd)
    {
        using (cmd)
        using (var r = cmd.ExecuteReader())
        {
            var people = new List<PersonSummary>();
            while (r.Read())
                people.Add(new PersonSummary(r.Long(0), r.IsDBNull(1) ? null : r.Text(1), r.Int(2), r.Int(3),
                    r.Int(4) != 0, r.IsDBNull(5) ? null : r.Long(5)));
            return people;
        }
    }

    public IReadOnlyList<long> FacesOf(long person)
    {
        using var cmd = Command("SELECT id FROM faces WHERE person_id = $p ORDER BY id", null, "$p");
        cmd.Parameters[0].Value = person;
        using var r = cmd.ExecuteReader();
        var faces = new List<long>();
        while (r.Read()) faces.Add(r.Long(0));
        return faces;
    }

    public IReadOnlyDictionary<long, long?> FacePeople(IReadOnlyCollection<long> faceIds)
    {
        using var cmd = Command("SELECT person_id FROM faces WHERE id = $f", null, "$f");
        var result = new Dictionary<long, long?>();
        foreach (var face in faceIds)
        {
            cmd.Parameters[0].Value = face;
            using var r = cmd.ExecuteReader();
            if (r.Read()) result[face] = r.IsDBNull(0) ? null : r.Long(0);
        }
        return result;
    }

    public IReadOnlyDictionary<long, IReadOnlyList<string>> PhotosByPerson()
    {
        using var cmd = Command("SELECT DISTINCT f.person_id, p.path FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.person_id IS NOT NULL ORDER BY 1, 2");
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<long, List<string>>();
        while (r.Read())
            (result.TryGetValue(r.Long(0), out var list) ? list : result[r.Long(0)] = []).Add(r.Text(1));
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }

    public IReadOnlyList<string> PhotosWithoutPeople()
    {
        using var cmd = Command("""
            SELECT path FROM photos WHERE failure IS NULL
            AND id NOT IN (SELECT photo_id FROM faces WHERE person_id IS NOT NULL) ORDER BY path
            """);
        using var r = cmd.ExecuteReader();
        var paths = new List<string>();
        while (r.Read()) paths.Add(r.Text(0));
        return paths;
    }

    public void Rename(long person, string name)
    {
        using var tx = _connection.BeginTransaction();
        using (var cmd = Command("UPDATE people SET name = $n WHERE id = $p", tx, "$n", "$p")) Run(cmd, name, person);
        // Naming a person is saying its faces are right.
        using (var cmd = Command("UPDATE faces SET assigned_by = $u WHERE person_id = $p", tx, "$u", "$p")) Run(cmd, User, person);
        tx.Commit();
    }

    public void SetHidden(long person, bool hidden)
    {
        using var cmd = Command("UPDATE people SET hidden = $h WHERE id = $p", null, "$h", "$p");
        Run(cmd, hidden ? 1 : 0, person);
    }

    public IReadOnlyList<long> Forget(long person)
    {
        var faces = FacesOf(person);
        using (var tx = _connection.BeginTransaction())
        {
            // secure_delete overwrites what is deleted instead of leaving it in free pages; VACUUM below rewrites the
            // file, and the checkpoint empties the WAL, so no copy of an embedding is left in either.
            using (var secure = Command("PRAGMA secure_delete = ON", tx)) secure.ExecuteNonQuery();
            using (var remember = Command("INSERT INTO forgotten_faces(photo_id, x, y, w, h) SELECT photo_id, x, y, w, h FROM faces WHERE person_id = $p", tx, "$p"))
                Run(remember, person);
            using (var drop = Command("DELETE FROM faces WHERE person_id = $p", tx, "$p")) Run(drop, person);
            using (var pairs = Command("DELETE FROM distinct_people WHERE a = $p OR b = $p", tx, "$p")) Run(pairs, person);
            using (var rejections = Command("DELETE FROM face_rejections WHERE person_id = $p", tx, "$p")) Run(rejections, person);
            using (var row = Command("DELETE FROM people WHERE id = $p", tx, "$p")) Run(row, person);
            tx.Commit();
        }
        using (var vacuum = Command("VACUUM")) vacuum.ExecuteNonQuery();
        using (var checkpoint = Command("PRAGMA wal_checkpoint(TRUNCATE)")) checkpoint.ExecuteNonQuery();
        return faces;
    }

    public void MarkDistinct(long a, long b)
    {
        using var cmd = Command("INSERT OR IGNORE INTO distinct_people(a, b) VALUES ($a, $b)", null, "$a", "$b");
        Run(cmd, Math.Min(a, b), Math.Max(a, b));
    }

    public IReadOnlySet<(long, long)> DistinctPeople()
    {
        using var cmd = Command("SELECT a, b FROM distinct_people");
        using var reader = cmd.ExecuteReader();
        var pairs = new HashSet<(long, long)>();
        while (reader.Read()) pairs.Add((reader.Long(0), reader.Long(1)));
        return pairs;
    }

    public void Merge(long into, IReadOnlyList<long> from)
    {
        using var tx = _connection.BeginTransaction();
        using var name = Command("UPDATE people SET name = (SELECT name FROM people WHERE id = $from) WHERE id = $into AND name IS NULL", tx, "$from", "$into");
        using var move = Command("UPDATE faces SET person_id = $into, assigned_by = $u WHERE person_id = $from", tx, "$into", "$u", "$from");
        using var rejections = Command("UPDATE OR IGNORE face_rejections SET person_id = $into WHERE person_id = $from", tx, "$into", "$from");
        using var dropRejections = Command("DELETE FROM face_rejections WHERE person_id = $from", tx, "$from");
        using var delete = Command("DELETE FROM people WHERE id = $from", tx, "$from");
        foreach (var source in from)
        {
            Run(name, source, into);   // an unnamed target takes the first source's name
            Run(move, into, User, source);
            Run(rejections, into, source);
            Run(dropRejections, source);
            Run(delete, source);
        }
        using (var confirm = Command("UPDATE faces SET assigned_by = $u WHERE person_id = $into", tx, "$u", "$into")) Run(confirm, User, into);
        AfterFacesMoved(tx);
        tx.Commit();
    }

    public long MoveFaces(IReadOnlyList<long> faces, long? person)
    {
        using var tx = _connection.BeginTransaction();
        long target = person ?? NewPerson(tx);
        using var move = Command("UPDATE faces SET person_id = $p, assigned_by = $u WHERE id = $f", tx, "$p", "$u", "$f");
        using var forgive = Command("DELETE FROM face_rejections WHERE face_id = $f AND person_id = $p", tx, "$f", "$p");
        foreach (var face in faces)
        {
            Run(move, target, User, face);
            Run(forgive, face, target); // moving a face into a person takes back an earlier "not this person"
        }
        AfterFacesMoved(tx);
        tx.Commit();
        return target;
    }

    public void RejectFaces(IReadOnlyList<long> faces, long person)
    {
        using var tx = _connection.BeginTransaction();
        // Out of the person, the face looks for its neighbours again: it may be someone else.
        using var leave = Command("UPDATE faces SET person_id = NULL, assigned_by = 0, clustered = 0 WHERE id = $f AND person_id = $p", tx, "$f", "$p");
        using var remember = Command("INSERT OR IGNORE INTO face_rejections(face_id, person_id) VALUES ($f, $p)", tx, "$f", "$p");
        foreach (var face in faces)
        {
            Run(leave, face, person);
            Run(remember, face, person);
        }
        AfterFacesMoved(tx);
        tx.Commit();
    }

    public void SetIgnored(IReadOnlyList<long> faces, bool ignored)
    {
        using var tx = _connection.BeginTransaction();
        // Ignored: out of any person, as the user's decision. Ignored no more: a face like a new one, to be clustered.
        using var set = Command(ignored
            ? "UPDATE faces SET ignored = 1, person_id = NULL, assigned_by = 2 WHERE id = $f"
            : "UPDATE faces SET ignored = 0, assigned_by = 0, clustered = 0 WHERE id = $f AND ignored = 1", tx, "$f");
        foreach (var face in faces)
            Run(set, face);
        AfterFacesMoved(tx);
        tx.Commit();
    }

    public void SetCover(long person, long face)
    {
        using var cmd = Command("UPDATE people SET cover_face_id = $f WHERE id = $p", null, "$f", "$p");
        Run(cmd, face, person);
    }

    public IReadOnlyList<long> IgnoredFaces()
    {
        using var cmd = Command("SELECT id FROM faces WHERE ignored = 1 ORDER BY id");
        using var r = cmd.ExecuteReader();
        var faces = new List<long>();
        while (r.Read()) faces.Add(r.Long(0));
        return faces;
    }

    SqliteCommand Command(string sql, SqliteTransaction? tx = null, params string[] parameters) =>
        SqlCommands.Create(_connection, tx, sql, parameters);
}
