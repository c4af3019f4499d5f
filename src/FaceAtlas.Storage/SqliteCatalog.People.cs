using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using Microsoft.Data.Sqlite;
using static FaceAtlas.Storage.SqlCommands;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    /// <summary>A catalog file has one writer at a time (its lock), so clustering never meets another.</summary>
    public IDisposable ClusteringTurn(Action waiting) => NoTurn.Instance;

    sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();
        public void Dispose() { }
    }

    public IEnumerable<PersonFace> FacesInPeople()
    {
        using var cmd = Command(CatalogTables.FacesInPeople);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new PersonFace(r.Long(6), r.Long(0), r.Long(1), r.Floats(2, Embeddings.Dimensions), r.Float(3), r.IsDBNull(4) ? null : r.Float(4),
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5)));
    }

    public IEnumerable<PersonFaceSeen> FacesSeenInPeople()
    {
        using var cmd = Command(CatalogTables.FacesSeenInPeople);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new PersonFaceSeen(r.Long(0), r.Long(1), r.Long(2), r.Float(3), r.IsDBNull(4) ? null : r.Float(4),
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5)));
    }

    public IReadOnlyList<StoredFace> FacesInNoPerson(int newest)
    {
        using var cmd = Command($"""
            SELECT f.id, f.photo_id, e.vector, f.assigned_by, f.clustered, {CatalogTables.TakenDay}
            FROM faces f JOIN embeddings e ON e.face_id = f.id JOIN photos p ON p.id = f.photo_id
            WHERE f.person_id IS NULL AND f.ignored = 0 AND f.not_face = 0 ORDER BY f.id DESC LIMIT $n
            """, null, "$n");
        cmd.Parameters[0].Value = newest;
        using var r = cmd.ExecuteReader();
        var faces = new List<StoredFace>();
        while (r.Read())
            faces.Add(new StoredFace(r.Long(0), r.Long(1), r.Floats(2, Embeddings.Dimensions), null, (FaceAssignment)r.Int(3), [], r.Int(4) != 0,
                CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5))));
        return faces;
    }

    public IReadOnlyList<StoredFace> FacesForClustering()
    {
        var rejections = new Dictionary<long, List<long>>();
        using (var cmd = Command("SELECT face_id, person_id FROM face_rejections"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                (rejections.TryGetValue(r.Long(0), out var list) ? list : rejections[r.Long(0)] = []).Add(r.Long(1));

        var faces = new List<StoredFace>();
        using (var cmd = Command($"{ClusteringColumns} WHERE f.ignored = 0 AND f.not_face = 0 ORDER BY f.id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                faces.Add(ClusteringFace(r, rejections.TryGetValue(r.Long(0), out var rejected) ? rejected : []));
        return faces;
    }

    /// <summary>A face row as clustering reads it: id, photo, vector, person, assigned_by, clustered, the day (columns in that order).</summary>
    const string ClusteringColumns = $"{ClusteringSelect} FROM faces f {ClusteringJoins}";

    const string ClusteringSelect = $"SELECT f.id, f.photo_id, e.vector, f.person_id, f.assigned_by, f.clustered, {CatalogTables.TakenDay}";

    const string ClusteringJoins = "JOIN embeddings e ON e.face_id = f.id JOIN photos p ON p.id = f.photo_id";

    /// <summary>
    /// <see cref="ClusteringColumns"/> of the faces no clustering has seen, through their own index (schema 12): the
    /// planner, without statistics, would walk every face in no person instead (tens of thousands in a large library).
    /// </summary>
    const string NotClusteredColumns = $"""
        {ClusteringSelect} FROM faces f INDEXED BY faces_to_cluster {ClusteringJoins}
        WHERE f.person_id IS NULL AND f.clustered = 0 AND f.ignored = 0 AND f.not_face = 0
        """;

    /// <summary>The face a <see cref="ClusteringColumns"/> row holds, with the people it was rejected from.</summary>
    static StoredFace ClusteringFace(SqliteDataReader r, IReadOnlyCollection<long> rejected) =>
        new(r.Long(0), r.Long(1), r.Floats(2, Embeddings.Dimensions), r.IsDBNull(3) ? null : r.Long(3), (FaceAssignment)r.Int(4),
            rejected, r.Int(5) != 0, CatalogTables.Day(r.IsDBNull(6) ? null : r.GetString(6)));

    public IReadOnlyList<StoredFace> FacesForClustering(IReadOnlyCollection<long> faces)
    {
        using var cmd = Command($"{ClusteringColumns} WHERE f.id = $f AND f.ignored = 0 AND f.not_face = 0", null, "$f");
        var found = new List<StoredFace>();
        foreach (var face in faces.Distinct())
        {
            cmd.Parameters[0].Value = face;
            found.AddRange(ReadClusteringFaces(cmd));
        }
        return found;
    }

    public IReadOnlyList<StoredFace> FacesNotClustered(int limit)
    {
        using var cmd = Command($"{NotClusteredColumns} ORDER BY f.id LIMIT $n", null, "$n");
        cmd.Parameters[0].Value = (long)limit + 1;
        return ReadClusteringFaces(cmd);
    }

    /// <summary>The faces <paramref name="cmd"/> finds (<see cref="ClusteringColumns"/>), each with the people it was rejected from.</summary>
    List<StoredFace> ReadClusteringFaces(SqliteCommand cmd)
    {
        var faces = new List<StoredFace>();
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                faces.Add(ClusteringFace(r, []));
        using var rejections = Command("SELECT person_id FROM face_rejections WHERE face_id = $f", null, "$f");
        for (int i = 0; i < faces.Count; i++)
        {
            rejections.Parameters[0].Value = faces[i].FaceId;
            var rejected = new List<long>();
            using (var r = rejections.ExecuteReader())
                while (r.Read()) rejected.Add(r.Long(0));
            if (rejected.Count > 0) faces[i] = faces[i] with { RejectedPeople = rejected };
        }
        return faces;
    }

    public IReadOnlyList<PersonAsCluster> PeopleAsClusters(IReadOnlyCollection<long> people, IReadOnlyCollection<long> photos)
    {
        var sums = new List<SumToKeep>();
        List<SumToKeep> read;
        var present = new Dictionary<long, HashSet<long>>();
        // One snapshot: each sum read again from the faces holds at the revision read beside it.
        using (var tx = _connection.BeginTransaction(deferred: true))
        {
            var kept = KeptSums(people.Distinct().ToList(), tx).Values;
            sums.AddRange(kept.Where(k => k.Current).Select(k => new SumToKeep(k.Person, k.Revision, k.Faces, k.Sum!)));
            read = SumsFromFaces(kept.Where(k => !k.Current).ToDictionary(k => k.Person, k => k.Revision), everyFace: false, tx);
            sums.AddRange(read);
            var wanted = sums.Select(s => s.Person).ToHashSet();
            using var inPhoto = Command("""
                SELECT DISTINCT f.person_id FROM faces f JOIN embeddings e ON e.face_id = f.id
                WHERE f.photo_id = $ph AND f.person_id IS NOT NULL AND f.ignored = 0 AND f.not_face = 0
                """, tx, "$ph");
            foreach (var photo in photos.Distinct())
            {
                inPhoto.Parameters[0].Value = photo;
                using var r = inPhoto.ExecuteReader();
                while (r.Read())
                    if (wanted.Contains(r.Long(0)))
                        (present.TryGetValue(r.Long(0), out var set) ? set : present[r.Long(0)] = []).Add(photo);
            }
            tx.Commit();
        }
        KeepInTurns(read);
        return PersonSums.AsClusters(sums, present);
    }

    public IReadOnlyList<PersonAsCluster> EveryPersonAsCluster()
    {
        List<PersonAsCluster> clusters;
        List<SumToKeep> read;
        using (var tx = _connection.BeginTransaction(deferred: true))
        {
            var everyone = new EveryPerson();
            using (var cmd = Command("SELECT p.id, p.faces_rev, s.faces_rev, s.faces, s.sum, p.face_count FROM people p LEFT JOIN person_sums s ON s.person_id = p.id", tx))
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                    everyone.Add(r.Long(0), r.Long(1), r.IsDBNull(2) ? null : r.Long(2), r.IsDBNull(3) ? 0 : r.Long(3), () => r.Blob(4), r.Long(5));
            clusters = everyone.Current;
            read = SumsFromFaces(everyone.Stale, everyone.ReadEveryFace, tx);
            tx.Commit();
        }
        KeepInTurns(read);
        clusters.AddRange(PersonSums.AsClusters(read, new Dictionary<long, HashSet<long>>()));
        return clusters;
    }

    /// <summary>
    /// The sums of these people (each with the revision read in <paramref name="tx"/>'s snapshot) read from their
    /// faces: person by person through the person index, or, <paramref name="everyFace"/>, in one pass over every face
    /// in a person (many people's faces are read faster in the table's order than by seeking each).
    /// </summary>
    List<SumToKeep> SumsFromFaces(IReadOnlyDictionary<long, long> revisions, bool everyFace, SqliteTransaction tx)
    {
        if (revisions.Count == 0) return [];
        var sums = new SumsReadAgain(revisions);
        const string Counting = "f.ignored = 0 AND f.not_face = 0";
        using var cmd = everyFace
            ? Command($"SELECT f.person_id, e.vector FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.person_id IS NOT NULL AND {Counting}", tx)
            : Command($"SELECT f.person_id, e.vector FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.person_id = $p AND {Counting}", tx, "$p");
        IEnumerable<long> reads = everyFace ? [0L] : revisions.Keys;
        foreach (long person in reads)
        {
            if (!everyFace) cmd.Parameters[0].Value = person;
            using var r = cmd.ExecuteReader();
            while (r.Read()) sums.Add(r.Long(0), r.Floats(1, Embeddings.Dimensions));
        }
        return sums.Read();
    }

    /// <summary>
    /// Keeps sums read outside a change, a few hundred per transaction: a change waits for one turn, not all. Keeping
    /// spares a later read and is never what was asked for, so a catalog another writer holds past the busy timeout
    /// (a long <c>cluster --full</c>), or one this process may not write, keeps none and answers all the same.
    /// </summary>
    void KeepInTurns(IReadOnlyList<SumToKeep> sums)
    {
        try
        {
            foreach (var turn in sums.Chunk(PersonSums.KeptPerTurn))
            {
                using var tx = _connection.BeginTransaction();
                Keep(turn, tx);
                tx.Commit();
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_READONLY)
        {
            // The sums not kept are read again from the faces when next asked.
        }
    }

    /// <summary>Where these faces are, as a kept sum sees it (faces that do not exist are left out).</summary>
    Dictionary<long, FacePlace> FacePlaces(IReadOnlyCollection<long> faces, SqliteTransaction tx)
    {
        using var cmd = Command("""
            SELECT f.person_id, f.ignored, f.not_face, EXISTS (SELECT 1 FROM embeddings e WHERE e.face_id = f.id) FROM faces f WHERE f.id = $f
            """, tx, "$f");
        var places = new Dictionary<long, FacePlace>();
        foreach (var face in faces.Distinct())
        {
            cmd.Parameters[0].Value = face;
            using var r = cmd.ExecuteReader();
            if (r.Read()) places[face] = new FacePlace(face, r.IsDBNull(0) ? null : r.Long(0), r.Long(1) != 0, r.Long(2) != 0, r.Long(3) != 0);
        }
        return places;
    }

    /// <summary>These people's revisions and kept sums (people who do not exist are left out).</summary>
    Dictionary<long, KeptSum> KeptSums(IReadOnlyCollection<long> people, SqliteTransaction tx)
    {
        using var cmd = Command("""
            SELECT p.faces_rev, s.faces_rev, s.faces, s.sum FROM people p LEFT JOIN person_sums s ON s.person_id = p.id WHERE p.id = $p
            """, tx, "$p");
        var kept = new Dictionary<long, KeptSum>();
        foreach (var person in people)
        {
            cmd.Parameters[0].Value = person;
            using var r = cmd.ExecuteReader();
            if (r.Read())
                kept[person] = r.IsDBNull(1) ? new KeptSum(person, r.Long(0), null, 0, null)
                    : new KeptSum(person, r.Long(0), r.Long(1), (int)r.Long(2), PersonSums.Decode(r.Blob(3)));
        }
        return kept;
    }

    Dictionary<long, float[]> EmbeddingsOf(IReadOnlyCollection<long> faces, SqliteTransaction tx)
    {
        using var cmd = Command("SELECT vector FROM embeddings WHERE face_id = $f", tx, "$f");
        var embeddings = new Dictionary<long, float[]>();
        foreach (var face in faces)
        {
            cmd.Parameters[0].Value = face;
            using var r = cmd.ExecuteReader();
            if (r.Read()) embeddings[face] = r.Floats(0, Embeddings.Dimensions);
        }
        return embeddings;
    }

    /// <summary>
    /// Keeps these sums, each while its person is still at its revision (a sum read before a change that came since
    /// is not worth keeping) and newer than the one kept.
    /// </summary>
    void Keep(IReadOnlyCollection<SumToKeep> sums, SqliteTransaction tx)
    {
        if (sums.Count == 0) return;
        using var cmd = Command("""
            INSERT INTO person_sums(person_id, faces_rev, faces, sum)
                SELECT $p, $r, $n, $s WHERE EXISTS (SELECT 1 FROM people WHERE id = $p AND faces_rev = $r)
            ON CONFLICT(person_id) DO UPDATE SET faces_rev = excluded.faces_rev, faces = excluded.faces, sum = excluded.sum
                WHERE excluded.faces_rev > person_sums.faces_rev
            """, tx, "$p", "$r", "$n", "$s");
        foreach (var sum in sums) Run(cmd, sum.Person, sum.Revision, sum.Faces, PersonSums.Encode(sum.Sum));
    }

    public T Change<T>(Func<IPeopleRows, T> change)
    {
        using var tx = _connection.BeginTransaction();
        var result = change(new Rows(this, tx));
        tx.Commit();
        return result;
    }

    /// <summary>A person's row with the counts the schema's triggers keep (never a count of their faces).</summary>
    const string PersonColumns = "SELECT p.id, p.name, p.face_count, p.photo_count, p.hidden, p.cover_face_id, p.birth FROM people p";

    public IReadOnlyList<PersonSummary> People(bool includeHidden) =>
        ReadPeople(Command($"{PersonColumns} {(includeHidden ? "" : "WHERE p.hidden = 0")} ORDER BY p.face_count DESC, p.id"));

    public PersonList PeoplePage(bool includeHidden, bool namedOnly, int offset, int limit)
    {
        string where = string.Join(" AND ", new[] { includeHidden ? null : "p.hidden = 0", namedOnly ? "p.name IS NOT NULL" : null }.OfType<string>().DefaultIfEmpty("1"));
        int total;
        using (var count = Command($"SELECT count(*) FROM people p WHERE {where}"))
            total = (int)StoredValues.Long(count.ExecuteScalar(), "the people");
        var page = Command($"{PersonColumns} WHERE {where} ORDER BY p.face_count DESC, p.id LIMIT $limit OFFSET $offset", null, "$limit", "$offset");
        page.Parameters[0].Value = limit;
        page.Parameters[1].Value = offset;
        return new PersonList(total, ReadPeople(page));
    }

    public IReadOnlyList<NamedPerson> NamedPeople(bool includeHidden)
    {
        using var cmd = Command($"SELECT id, name, face_count FROM people WHERE name IS NOT NULL{(includeHidden ? "" : " AND hidden = 0")}");
        using var r = cmd.ExecuteReader();
        var named = new List<NamedPerson>();
        while (r.Read()) named.Add(new NamedPerson(r.Long(0), r.Text(1), r.Int(2)));
        return named;
    }

    public IReadOnlyList<PersonSummary> PeopleWithIds(IReadOnlyCollection<long> ids) =>
        ids.Distinct().Select(Person).OfType<PersonSummary>().ToList();

    public PersonSummary? Person(long id)
    {
        var cmd = Command($"{PersonColumns} WHERE p.id = $id", null, "$id");
        cmd.Parameters[0].Value = id;
        return ReadPeople(cmd).SingleOrDefault();
    }

    public int PeopleCount()
    {
        using var cmd = Command("SELECT count(*) FROM people");
        return (int)StoredValues.Long(cmd.ExecuteScalar(), "the people");
    }

    public IReadOnlyDictionary<long, string?> Names(IReadOnlyCollection<long> people)
    {
        using var cmd = Command("SELECT name FROM people WHERE id = $p", null, "$p");
        var names = new Dictionary<long, string?>();
        foreach (var person in people.Distinct())
        {
            cmd.Parameters[0].Value = person;
            using var r = cmd.ExecuteReader();
            if (r.Read()) names[person] = r.IsDBNull(0) ? null : r.Text(0);
        }
        return names;
    }

    public IReadOnlyDictionary<long, DateOnly> Births(IReadOnlyCollection<long> people) =>
        Days("SELECT birth FROM people WHERE id = $id", people);

    public IReadOnlyDictionary<long, DateOnly> Births()
    {
        using var cmd = Command("SELECT id, birth FROM people WHERE birth IS NOT NULL");
        using var r = cmd.ExecuteReader();
        var births = new Dictionary<long, DateOnly>();
        while (r.Read())
            if (CatalogTables.Day(r.Text(1)) is { } day) births[r.Long(0)] = day;
        return births;
    }

    public IReadOnlyDictionary<long, DateOnly> FaceDays(IReadOnlyCollection<long> faces) =>
        Days($"SELECT {CatalogTables.TakenDay} FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = $id", faces);

    /// <summary>A day for each id the one-row statement (parameter $id) finds one for.</summary>
    Dictionary<long, DateOnly> Days(string sql, IReadOnlyCollection<long> ids)
    {
        using var cmd = Command(sql, null, "$id");
        var days = new Dictionary<long, DateOnly>();
        foreach (var id in ids.Distinct())
        {
            cmd.Parameters[0].Value = id;
            if (CatalogTables.Day(cmd.ExecuteScalar() as string) is { } day) days[id] = day;
        }
        return days;
    }

    static List<PersonSummary> ReadPeople(SqliteCommand cmd)
    {
        using (cmd)
        using (var r = cmd.ExecuteReader())
        {
            var people = new List<PersonSummary>();
            while (r.Read())
                people.Add(new PersonSummary(r.Long(0), r.IsDBNull(1) ? null : r.Text(1), r.Int(2), r.Int(3),
                    r.Int(4) != 0, r.IsDBNull(5) ? null : r.Long(5), CatalogTables.Day(r.IsDBNull(6) ? null : r.GetString(6))));
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

    public IReadOnlySet<(long, long)> DistinctPeople()
    {
        using var cmd = Command("SELECT a, b FROM distinct_people");
        using var reader = cmd.ExecuteReader();
        var pairs = new HashSet<(long, long)>();
        while (reader.Read()) pairs.Add((reader.Long(0), reader.Long(1)));
        return pairs;
    }

    public IReadOnlyList<RecordedChange> History(int limit)
    {
        using var cmd = Command("SELECT id, at, kind, summary, undone FROM changes ORDER BY id DESC LIMIT $n", null, "$n");
        using var r = Bind(cmd, limit).ExecuteReader();
        var changes = new List<RecordedChange>();
        while (r.Read()) changes.Add(new RecordedChange(r.Long(0), StoredTime(r.Text(1)), r.Text(2), r.Text(3), r.Int(4) != 0));
        return changes;
    }

    /// <summary>A time the catalog wrote as round-trip text, in UTC.</summary>
    static DateTime StoredTime(string text) =>
        DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);

    public IReadOnlyList<long> IgnoredFaces()
    {
        using var cmd = Command("SELECT id FROM faces WHERE ignored = 1 AND not_face = 0 ORDER BY id");
        using var r = cmd.ExecuteReader();
        var faces = new List<long>();
        while (r.Read()) faces.Add(r.Long(0));
        return faces;
    }

    SqliteCommand Command(string sql, SqliteTransaction? tx = null, params string[] parameters) =>
        SqlCommands.Create(_connection, tx, sql, parameters);
}
