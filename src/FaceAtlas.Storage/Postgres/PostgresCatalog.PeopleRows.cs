using FaceAtlas.Core.People;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

public sealed partial class PostgresCatalog
{
    /// <summary>People's rows inside one transaction on the server, each operation one statement; the rules are the caller's.</summary>
    sealed class Rows(NpgsqlConnection c, NpgsqlTransaction tx) : IPeopleRows
    {
        void Do(string sql, params (string, object?)[] parameters) => Run(c, tx, sql, parameters);

        NpgsqlCommand Query(string sql, params (string, object?)[] parameters)
        {
            var cmd = Command(c, sql, parameters);
            cmd.Transaction = tx;
            return cmd;
        }

        /// <summary>A new person, with their sum kept from the start (nothing yet): the faces clustering gives them carry it on.</summary>
        public long NewPerson()
        {
            using var cmd = Query("INSERT INTO people(created_at) VALUES (@at) RETURNING id", ("at", DateTime.UtcNow.ToString("O")));
            long person = (long)cmd.ExecuteScalar()!;
            Do("INSERT INTO person_sums(person_id, faces_rev, faces, sum) VALUES (@p, 0, 0, '')", ("p", person));
            return person;
        }

        public T CarryingSums<T>(IReadOnlyCollection<long> faces, Func<T> move)
        {
            // The faces' rows locked first: their places before and after are this change's alone. Each person it moves
            // is locked by its triggers from the first move on, so the revision read after is the one before it plus
            // this change's moves, whatever other writers do.
            var before = FacePlaces(c, tx, faces, lockRows: true);
            var result = move();
            var after = FacePlaces(c, tx, faces, lockRows: false);
            Keep(c, tx, PersonSums.Carried(before, after, people => KeptSums(c, tx, people), moved => EmbeddingsOf(c, tx, moved)));
            return result;
        }

        public void SetName(long person, string name) => Do("UPDATE people SET name = @n WHERE id = @p", ("n", name), ("p", person));

        public void SetBirth(long person, DateOnly? birth)
        {
            if (CatalogTables.DayText(birth) is { } day) Do("UPDATE people SET birth = @b WHERE id = @p", ("b", day), ("p", person));
            else Do("UPDATE people SET birth = NULL WHERE id = @p", ("p", person));
        }

        public void SetHidden(long person, bool hidden) => Do("UPDATE people SET hidden = @h WHERE id = @p", ("h", hidden ? 1L : 0L), ("p", person));

        public void SetCover(long person, long? face)
        {
            if (face is { } f) Do("UPDATE people SET cover_face_id = @f WHERE id = @p", ("f", f), ("p", person));
            else Do("UPDATE people SET cover_face_id = NULL WHERE id = @p", ("p", person));
        }

        public void DeletePeople(IReadOnlyCollection<long> people) => Do("DELETE FROM people WHERE id = ANY(@p)", ("p", people.ToArray()));

        public void PlaceFaces(IReadOnlyCollection<long> faces, long? person, FaceAssignment by, FaceAssignment? unlessPlacedBy = null)
        {
            var keep = unlessPlacedBy is { } k ? $" AND assigned_by <> {(long)k}" : "";
            if (person is { } p)
                Do($"UPDATE faces SET person_id = @p, assigned_by = @by WHERE id = ANY(@f){keep}", ("p", p), ("by", (long)by), ("f", faces.ToArray()));
            else
                Do($"UPDATE faces SET person_id = NULL, assigned_by = @by WHERE id = ANY(@f){keep}", ("by", (long)by), ("f", faces.ToArray()));
        }

        /// <summary>
        /// One statement; the two people's kept sums are added when both are current (<see cref="PersonSums.Merged"/>).
        /// Its rows are locked as it moves them and its triggers lock the two people, so the revisions read after are
        /// the ones before plus this move, unless another writer changed them between: then nothing is carried.
        /// </summary>
        public void MoveAllFaces(long from, long into)
        {
            var before = KeptSums(c, tx, [from, into]);
            using var cmd = Query("WITH moved AS (UPDATE faces SET person_id = @into WHERE person_id = @from RETURNING 1) SELECT count(*) FROM moved",
                ("into", into), ("from", from));
            int moved = (int)(long)cmd.ExecuteScalar()!;
            Keep(c, tx, PersonSums.Merged(before.GetValueOrDefault(from), before.GetValueOrDefault(into), moved, KeptSums(c, tx, [from, into])));
        }

        public void SetPlacedBy(long person, FaceAssignment by) =>
            Do("UPDATE faces SET assigned_by = @by WHERE person_id = @p AND assigned_by <> @by", ("by", (long)by), ("p", person));

        public void SetClustered(IReadOnlyCollection<long> faces, bool clustered) =>
            Do("UPDATE faces SET clustered = @c WHERE id = ANY(@f)", ("c", clustered ? 1L : 0L), ("f", faces.ToArray()));

        public void SetIgnored(IReadOnlyCollection<long> faces, bool ignored) =>
            Do("UPDATE faces SET ignored = @i WHERE id = ANY(@f)", ("i", ignored ? 1L : 0L), ("f", faces.ToArray()));

        public IReadOnlyCollection<long> IgnoredAmong(IReadOnlyCollection<long> faces) =>
            Ids(c, tx, "SELECT id FROM faces WHERE id = ANY(@f) AND ignored = 1", ("f", faces.ToArray()));

        public void SetNotFace(IReadOnlyCollection<long> faces, bool notFace)
        {
            Do("UPDATE faces SET not_face = @n WHERE id = ANY(@f)", ("n", notFace ? 1L : 0L), ("f", faces.ToArray()));
            // Rewriting the embedding row changes nothing in it but logs the face (a trigger), for the search index.
            Do("UPDATE embeddings SET model = model WHERE face_id = ANY(@f)", ("f", faces.ToArray()));
        }

        public IReadOnlyCollection<long> NotFacesAmong(IReadOnlyCollection<long> faces) =>
            Ids(c, tx, "SELECT id FROM faces WHERE id = ANY(@f) AND not_face = 1", ("f", faces.ToArray()));

        public void AddRejections(IReadOnlyCollection<long> faces, long person) =>
            Do("INSERT INTO face_rejections(face_id, person_id) SELECT f, @p FROM unnest(@f) AS f ON CONFLICT DO NOTHING", ("f", faces.ToArray()), ("p", person));

        public void RemoveRejections(IReadOnlyCollection<long> faces, long person) =>
            Do("DELETE FROM face_rejections WHERE face_id = ANY(@f) AND person_id = @p", ("f", faces.ToArray()), ("p", person));

        public void MoveRejections(long from, long into)
        {
            Do("INSERT INTO face_rejections(face_id, person_id) SELECT face_id, @into FROM face_rejections WHERE person_id = @from ON CONFLICT DO NOTHING",
                ("into", into), ("from", from));
            Do("DELETE FROM face_rejections WHERE person_id = @from", ("from", from));
        }

        public void MarkDistinct(long smaller, long larger) =>
            Do("INSERT INTO distinct_people(a, b) VALUES (@a, @b) ON CONFLICT DO NOTHING", ("a", smaller), ("b", larger));

        public IReadOnlyList<PersonWithoutFaces> PeopleWithoutFaces()
        {
            using var cmd = Query("SELECT id, name IS NOT NULL FROM people WHERE face_count = 0");
            using var r = cmd.ExecuteReader();
            var people = new List<PersonWithoutFaces>();
            while (r.Read()) people.Add(new PersonWithoutFaces(r.GetInt64(0), r.GetBoolean(1)));
            return people;
        }

        // A cover that leaves its person is cleared by the catalog (schema 8): the uncovered are found by their index.
        public IReadOnlyList<long> PeopleWithoutTheirOwnCover() =>
            Ids(c, tx, "SELECT id FROM people WHERE cover_face_id IS NULL AND face_count > 0");

        public IReadOnlyList<CoverCandidate> FacesForCover(IReadOnlyCollection<long> people)
        {
            using var cmd = Query("SELECT person_id, id, score, w, h FROM faces WHERE person_id = ANY(@p)", ("p", people.ToArray()));
            using var r = cmd.ExecuteReader();
            var faces = new List<CoverCandidate>();
            while (r.Read())
                faces.Add(new CoverCandidate(r.GetInt64(0), r.GetInt64(1), (float)r.GetDouble(2), (float)r.GetDouble(3), (float)r.GetDouble(4)));
            return faces;
        }

        public IReadOnlyList<FaceState> FaceStates(IReadOnlyCollection<long> faces)
        {
            using var cmd = Query("SELECT id, person_id, assigned_by, clustered, ignored, not_face FROM faces WHERE id = ANY(@f)", ("f", faces.ToArray()));
            using var r = cmd.ExecuteReader();
            var states = new List<FaceState>(faces.Count);
            while (r.Read())
                states.Add(new FaceState(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), (FaceAssignment)r.GetInt64(2), r.GetInt64(3) != 0, r.GetInt64(4) != 0, r.GetInt64(5) != 0));
            return states;
        }

        public IReadOnlyList<long> FacesIn(long person) => Ids(c, tx, "SELECT id FROM faces WHERE person_id = @p", ("p", person));

        public IReadOnlyList<FaceState> FaceStatesIn(long person)
        {
            using var cmd = Query("SELECT id, assigned_by, clustered, ignored, not_face FROM faces WHERE person_id = @p", ("p", person));
            using var r = cmd.ExecuteReader();
            var states = new List<FaceState>();
            while (r.Read()) states.Add(new FaceState(r.GetInt64(0), person, (FaceAssignment)r.GetInt64(1), r.GetInt64(2) != 0, r.GetInt64(3) != 0, r.GetInt64(4) != 0));
            return states;
        }

        public IReadOnlyList<PersonRow> PersonRows(IReadOnlyCollection<long> people)
        {
            using var cmd = Query("SELECT id, name, hidden, cover_face_id, created_at, birth FROM people WHERE id = ANY(@p)", ("p", people.ToArray()));
            using var r = cmd.ExecuteReader();
            var found = new List<PersonRow>(people.Count);
            while (r.Read())
                found.Add(new PersonRow(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetInt64(3), r.GetString(4),
                    CatalogTables.Day(r.IsDBNull(5) ? null : r.GetString(5))));
            return found;
        }

        public IReadOnlyCollection<long> RejectedAmong(IReadOnlyCollection<long> faces, long person) =>
            Ids(c, tx, "SELECT face_id FROM face_rejections WHERE face_id = ANY(@f) AND person_id = @p", ("f", faces.ToArray()), ("p", person));

        public IReadOnlyList<long> RejectionsOf(long person) => Ids(c, tx, "SELECT face_id FROM face_rejections WHERE person_id = @p", ("p", person));

        public bool AreDistinct(long smaller, long larger)
        {
            using var cmd = Query("SELECT 1 FROM distinct_people WHERE a = @a AND b = @b", ("a", smaller), ("b", larger));
            return cmd.ExecuteScalar() is not null;
        }

        public void UnmarkDistinct(long smaller, long larger) => Do("DELETE FROM distinct_people WHERE a = @a AND b = @b", ("a", smaller), ("b", larger));

        public void RestorePeople(IReadOnlyCollection<PersonRow> people) => Do("""
            INSERT INTO people(id, name, hidden, cover_face_id, created_at, birth)
                SELECT * FROM unnest(@id::bigint[], @n::text[], @h::bigint[], @c::bigint[], @at::text[], @b::text[])
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, hidden = excluded.hidden, cover_face_id = excluded.cover_face_id, birth = excluded.birth
            """, ("id", people.Select(p => p.Id).ToArray()), ("n", people.Select(p => p.Name).ToArray()),
            ("h", people.Select(p => p.Hidden ? 1L : 0L).ToArray()), ("c", people.Select(p => p.Cover).ToArray()), ("at", people.Select(p => p.Created).ToArray()),
            ("b", people.Select(p => CatalogTables.DayText(p.Birth)).ToArray()));

        public void RestoreFaces(IReadOnlyCollection<FaceState> faces) => Do("""
            UPDATE faces SET person_id = u.p, assigned_by = u.by, clustered = u.c, ignored = u.i
            FROM unnest(@f::bigint[], @p::bigint[], @by::bigint[], @c::bigint[], @i::bigint[]) AS u(f, p, by, c, i) WHERE faces.id = u.f
            """, ("f", faces.Select(f => f.Face).ToArray()), ("p", faces.Select(f => f.Person).ToArray()), ("by", faces.Select(f => (long)f.By).ToArray()),
            ("c", faces.Select(f => f.Clustered ? 1L : 0L).ToArray()), ("i", faces.Select(f => f.Ignored ? 1L : 0L).ToArray()));

        public long RecordChange(string kind, string summary, string journal)
        {
            using var cmd = Query("INSERT INTO changes(at, kind, summary, journal) VALUES (@at, @k, @s, @j) RETURNING id",
                ("at", DateTime.UtcNow.ToString("O")), ("k", kind), ("s", summary), ("j", journal));
            long id = (long)cmd.ExecuteScalar()!;
            Do($"DELETE FROM changes WHERE id <= @id - {CatalogTables.KeptChanges}", ("id", id));
            if (journal.Length >= CatalogTables.JournalBytesWorthCounting)
                Do($"""
                    DELETE FROM changes WHERE id < @id AND id <= (SELECT id FROM (SELECT id, SUM(octet_length(journal)) OVER (ORDER BY id DESC) AS held FROM changes) h
                        WHERE held > {CatalogTables.KeptJournalBytes} ORDER BY id DESC LIMIT 1)
                    """, ("id", id));
            return id;
        }

        public UndoableChange? LatestChange()
        {
            using var cmd = Query("SELECT id, at, kind, summary, journal FROM changes WHERE undone = 0 ORDER BY id DESC LIMIT 1");
            using var r = cmd.ExecuteReader();
            return r.Read() ? new UndoableChange(new RecordedChange(r.GetInt64(0), StoredTime(r.GetString(1)), r.GetString(2), r.GetString(3), false), r.GetString(4)) : null;
        }

        public void MarkUndone(long change) => Do("UPDATE changes SET undone = 1 WHERE id = @id", ("id", change));

        public IReadOnlyList<UndoableChange> KeptChanges()
        {
            using var cmd = Query("SELECT id, at, kind, summary, journal, undone FROM changes ORDER BY id DESC");
            using var r = cmd.ExecuteReader();
            var changes = new List<UndoableChange>();
            while (r.Read()) changes.Add(new UndoableChange(new RecordedChange(r.GetInt64(0), StoredTime(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetInt64(5) != 0), r.GetString(4)));
            return changes;
        }

        public void ForgetChanges(IReadOnlyCollection<long> changes) => Do("DELETE FROM changes WHERE id = ANY(@ids)", ("ids", changes.ToArray()));
    }
}
