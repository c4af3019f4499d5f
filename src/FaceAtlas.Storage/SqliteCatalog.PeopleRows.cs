using FaceAtlas.Core.People;
using Microsoft.Data.Sqlite;
using static FaceAtlas.Storage.SqlCommands;

namespace FaceAtlas.Storage;

public sealed partial class SqliteCatalog
{
    /// <summary>People's rows inside one transaction of the catalog file; the rules are the caller's.</summary>
    sealed class Rows(SqliteCatalog catalog, SqliteTransaction tx) : IPeopleRows
    {
        SqliteCommand Command(string sql, params string[] parameters) => catalog.Command(sql, tx, parameters);

        /// <summary>Runs one prepared statement for each face, the face bound last.</summary>
        void ForEachFace(IReadOnlyCollection<long> faces, string sql, string[] parameters, params object?[] values)
        {
            using var cmd = Command(sql, [.. parameters, "$f"]);
            foreach (var face in faces)
                Run(cmd, [.. values, face]);
        }

        /// <summary>A new person, with their sum kept from the start (nothing yet): the faces clustering gives them carry it on.</summary>
        public long NewPerson()
        {
            using var cmd = Command("INSERT INTO people(created_at) VALUES ($at) RETURNING id", "$at");
            cmd.Parameters[0].Value = DateTime.UtcNow.ToString("O");
            long person = Convert.ToInt64(cmd.ExecuteScalar());
            using var sum = Command("INSERT INTO person_sums(person_id, faces_rev, faces, sum) VALUES ($p, 0, 0, x'')", "$p");
            Run(sum, person);
            return person;
        }

        public T CarryingSums<T>(IReadOnlyCollection<long> faces, Func<T> move)
        {
            // The transaction holds the file's write lock from its start: nobody else changes these people meanwhile.
            var before = catalog.FacePlaces(faces, tx);
            var result = move();
            var after = catalog.FacePlaces(faces, tx);
            catalog.Keep(PersonSums.Carried(before, after, people => catalog.KeptSums(people, tx), moved => catalog.EmbeddingsOf(moved, tx)), tx);
            return result;
        }

        public void SetName(long person, string name)
        {
            using var cmd = Command("UPDATE people SET name = $n WHERE id = $p", "$n", "$p");
            Run(cmd, name, person);
        }

        public void SetBirth(long person, DateOnly? birth)
        {
            using var cmd = Command("UPDATE people SET birth = $b WHERE id = $p", "$b", "$p");
            Run(cmd, CatalogTables.DayText(birth), person);
        }

        public void SetHidden(long person, bool hidden)
        {
            using var cmd = Command("UPDATE people SET hidden = $h WHERE id = $p", "$h", "$p");
            Run(cmd, hidden ? 1 : 0, person);
        }

        public void SetCover(long person, long? face)
        {
            using var cmd = Command("UPDATE people SET cover_face_id = $f WHERE id = $p", "$f", "$p");
            Run(cmd, face, person);
        }

        public void DeletePeople(IReadOnlyCollection<long> people)
        {
            using var cmd = Command("DELETE FROM people WHERE id = $p", "$p");
            foreach (var person in people) Run(cmd, person);
        }

        public void PlaceFaces(IReadOnlyCollection<long> faces, long? person, FaceAssignment by, FaceAssignment? unlessPlacedBy = null) =>
            ForEachFace(faces, "UPDATE faces SET person_id = $p, assigned_by = $by WHERE id = $f AND assigned_by IS NOT $keep",
                ["$p", "$by", "$keep"], person, (int)by, unlessPlacedBy is { } keep ? (int)keep : null);

        /// <summary>One statement; the two people's kept sums are added when both are current (<see cref="PersonSums.Merged"/>).</summary>
        public void MoveAllFaces(long from, long into)
        {
            var before = catalog.KeptSums([from, into], tx);
            using var cmd = Command("UPDATE faces SET person_id = $into WHERE person_id = $from", "$into", "$from");
            int moved = Bind(cmd, into, from).ExecuteNonQuery();
            catalog.Keep(PersonSums.Merged(before.GetValueOrDefault(from), before.GetValueOrDefault(into), moved, catalog.KeptSums([from, into], tx)), tx);
        }

        public void SetPlacedBy(long person, FaceAssignment by)
        {
            using var cmd = Command("UPDATE faces SET assigned_by = $by WHERE person_id = $p AND assigned_by <> $by", "$by", "$p");
            Run(cmd, (int)by, person);
        }

        public void SetClustered(IReadOnlyCollection<long> faces, bool clustered) =>
            ForEachFace(faces, "UPDATE faces SET clustered = $c WHERE id = $f", ["$c"], clustered ? 1 : 0);

        public void SetIgnored(IReadOnlyCollection<long> faces, bool ignored) =>
            ForEachFace(faces, "UPDATE faces SET ignored = $i WHERE id = $f", ["$i"], ignored ? 1 : 0);

        public IReadOnlyCollection<long> IgnoredAmong(IReadOnlyCollection<long> faces)
        {
            using var cmd = Command("SELECT 1 FROM faces WHERE id = $f AND ignored = 1", "$f");
            return faces.Where(face => Bind(cmd, face).ExecuteScalar() is not null).ToList();
        }

        public void SetNotFace(IReadOnlyCollection<long> faces, bool notFace)
        {
            ForEachFace(faces, "UPDATE faces SET not_face = $n WHERE id = $f", ["$n"], notFace ? 1 : 0);
            // Rewriting the embedding row changes nothing in it but logs the face (a trigger), for the search index.
            ForEachFace(faces, "UPDATE embeddings SET model = model WHERE face_id = $f", []);
        }

        public IReadOnlyCollection<long> NotFacesAmong(IReadOnlyCollection<long> faces)
        {
            using var cmd = Command("SELECT 1 FROM faces WHERE id = $f AND not_face = 1", "$f");
            return faces.Where(face => Bind(cmd, face).ExecuteScalar() is not null).ToList();
        }

        public void AddRejections(IReadOnlyCollection<long> faces, long person) =>
            ForEachFace(faces, "INSERT OR IGNORE INTO face_rejections(person_id, face_id) VALUES ($p, $f)", ["$p"], person);

        public void RemoveRejections(IReadOnlyCollection<long> faces, long person) =>
            ForEachFace(faces, "DELETE FROM face_rejections WHERE person_id = $p AND face_id = $f", ["$p"], person);

        public void MoveRejections(long from, long into)
        {
            using (var move = Command("UPDATE OR IGNORE face_rejections SET person_id = $into WHERE person_id = $from", "$into", "$from"))
                Run(move, into, from);
            using (var left = Command("DELETE FROM face_rejections WHERE person_id = $from", "$from")) // already marked for into
                Run(left, from);
        }

        public void MarkDistinct(long smaller, long larger)
        {
            using var cmd = Command("INSERT OR IGNORE INTO distinct_people(a, b) VALUES ($a, $b)", "$a", "$b");
            Run(cmd, smaller, larger);
        }

        public IReadOnlyList<PersonWithoutFaces> PeopleWithoutFaces()
        {
            using var cmd = Command("SELECT id, name IS NOT NULL FROM people WHERE face_count = 0");
            using var r = cmd.ExecuteReader();
            var people = new List<PersonWithoutFaces>();
            while (r.Read()) people.Add(new PersonWithoutFaces(r.Long(0), r.Int(1) != 0));
            return people;
        }

        public IReadOnlyList<long> PeopleWithoutTheirOwnCover()
        {
            // A cover that leaves its person is cleared by the catalog (schema 12): the uncovered are found by their index
            // (named: without statistics the planner would walk every person by size).
            using var cmd = Command("SELECT id FROM people INDEXED BY people_uncovered WHERE cover_face_id IS NULL AND face_count > 0");
            using var r = cmd.ExecuteReader();
            var people = new List<long>();
            while (r.Read()) people.Add(r.Long(0));
            return people;
        }

        public IReadOnlyList<CoverCandidate> FacesForCover(IReadOnlyCollection<long> people)
        {
            using var cmd = Command("SELECT id, score, w, h FROM faces WHERE person_id = $p", "$p");
            var faces = new List<CoverCandidate>();
            foreach (var person in people)
            {
                using var r = Bind(cmd, person).ExecuteReader();
                while (r.Read()) faces.Add(new CoverCandidate(person, r.Long(0), r.Float(1), r.Float(2), r.Float(3)));
            }
            return faces;
        }

        public IReadOnlyList<FaceState> FaceStates(IReadOnlyCollection<long> faces)
        {
            using var cmd = Command("SELECT person_id, assigned_by, clustered, ignored, not_face FROM faces WHERE id = $f", "$f");
            var states = new List<FaceState>(faces.Count);
            foreach (var face in faces)
            {
                using var r = Bind(cmd, face).ExecuteReader();
                if (r.Read())
                    states.Add(new FaceState(face, r.IsDBNull(0) ? null : r.GetInt64(0), (FaceAssignment)r.Int(1), r.Int(2) != 0, r.Int(3) != 0, r.Int(4) != 0));
            }
            return states;
        }

        public IReadOnlyList<long> FacesIn(long person) => Ids("SELECT id FROM faces WHERE person_id = $p", person);

        public IReadOnlyList<FaceState> FaceStatesIn(long person)
        {
            using var cmd = Command("SELECT id, assigned_by, clustered, ignored, not_face FROM faces WHERE person_id = $p", "$p");
            using var r = Bind(cmd, person).ExecuteReader();
            var states = new List<FaceState>();
            while (r.Read()) states.Add(new FaceState(r.Long(0), person, (FaceAssignment)r.Int(1), r.Int(2) != 0, r.Int(3) != 0, r.Int(4) != 0));
            return states;
        }

        public IReadOnlyList<PersonRow> PersonRows(IReadOnlyCollection<long> people)
        {
            using var cmd = Command("SELECT name, hidden, cover_face_id, created_at, birth FROM people WHERE id = $p", "$p");
            var found = new List<PersonRow>(people.Count);
            foreach (var person in people)
            {
                using var r = Bind(cmd, person).ExecuteReader();
                if (r.Read())
                    found.Add(new PersonRow(person, r.IsDBNull(0) ? null : r.GetString(0), r.Int(1) != 0, r.IsDBNull(2) ? null : r.GetInt64(2), r.Text(3),
                        CatalogTables.Day(r.IsDBNull(4) ? null : r.GetString(4))));
            }
            return found;
        }

        public IReadOnlyCollection<long> RejectedAmong(IReadOnlyCollection<long> faces, long person)
        {
            using var cmd = Command("SELECT 1 FROM face_rejections WHERE person_id = $p AND face_id = $f", "$p", "$f");
            return faces.Where(face => Bind(cmd, person, face).ExecuteScalar() is not null).ToList();
        }

        public IReadOnlyList<long> RejectionsOf(long person) => Ids("SELECT face_id FROM face_rejections WHERE person_id = $p", person);

        List<long> Ids(string sql, long person)
        {
            using var cmd = Command(sql, "$p");
            using var r = Bind(cmd, person).ExecuteReader();
            var ids = new List<long>();
            while (r.Read()) ids.Add(r.Long(0));
            return ids;
        }

        public bool AreDistinct(long smaller, long larger)
        {
            using var cmd = Command("SELECT 1 FROM distinct_people WHERE a = $a AND b = $b", "$a", "$b");
            return Bind(cmd, smaller, larger).ExecuteScalar() is not null;
        }

        public void UnmarkDistinct(long smaller, long larger)
        {
            using var cmd = Command("DELETE FROM distinct_people WHERE a = $a AND b = $b", "$a", "$b");
            Run(cmd, smaller, larger);
        }

        public void RestorePeople(IReadOnlyCollection<PersonRow> people)
        {
            using var cmd = Command("""
                INSERT INTO people(id, name, hidden, cover_face_id, created_at, birth) VALUES ($p, $n, $h, $c, $at, $b)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, hidden = excluded.hidden, cover_face_id = excluded.cover_face_id, birth = excluded.birth
                """, "$p", "$n", "$h", "$c", "$at", "$b");
            foreach (var p in people) Run(cmd, p.Id, p.Name, p.Hidden ? 1 : 0, p.Cover, p.Created, CatalogTables.DayText(p.Birth));
        }

        public void RestoreFaces(IReadOnlyCollection<FaceState> faces)
        {
            using var cmd = Command("UPDATE faces SET person_id = $p, assigned_by = $by, clustered = $c, ignored = $i WHERE id = $f",
                "$p", "$by", "$c", "$i", "$f");
            foreach (var f in faces) Run(cmd, f.Person, (int)f.By, f.Clustered ? 1 : 0, f.Ignored ? 1 : 0, f.Face);
        }

        public long RecordChange(string kind, string summary, string journal)
        {
            using var cmd = Command("INSERT INTO changes(at, kind, summary, journal) VALUES ($at, $k, $s, $j) RETURNING id", "$at", "$k", "$s", "$j");
            long id = Convert.ToInt64(Bind(cmd, DateTime.UtcNow.ToString("O"), kind, summary, journal).ExecuteScalar());
            using var old = Command($"DELETE FROM changes WHERE id <= $id - {CatalogTables.KeptChanges}", "$id");
            Run(old, id);
            if (journal.Length >= CatalogTables.JournalBytesWorthCounting)
            {
                // JSON is ASCII: its length in characters is its length in bytes.
                using var beyond = Command($"""
                    DELETE FROM changes WHERE id < $id AND id <= (SELECT id FROM (SELECT id, SUM(length(journal)) OVER (ORDER BY id DESC) AS held FROM changes)
                        WHERE held > {CatalogTables.KeptJournalBytes} ORDER BY id DESC LIMIT 1)
                    """, "$id");
                Run(beyond, id);
            }
            return id;
        }

        public UndoableChange? LatestChange()
        {
            using var cmd = Command("SELECT id, at, kind, summary, journal FROM changes WHERE undone = 0 ORDER BY id DESC LIMIT 1");
            using var r = cmd.ExecuteReader();
            return r.Read() ? new UndoableChange(new RecordedChange(r.Long(0), StoredTime(r.Text(1)), r.Text(2), r.Text(3), false), r.Text(4)) : null;
        }

        public void MarkUndone(long change)
        {
            using var cmd = Command("UPDATE changes SET undone = 1 WHERE id = $id", "$id");
            Run(cmd, change);
        }

        public IReadOnlyList<UndoableChange> KeptChanges()
        {
            using var cmd = Command("SELECT id, at, kind, summary, journal, undone FROM changes ORDER BY id DESC");
            using var r = cmd.ExecuteReader();
            var changes = new List<UndoableChange>();
            while (r.Read()) changes.Add(new UndoableChange(new RecordedChange(r.Long(0), StoredTime(r.Text(1)), r.Text(2), r.Text(3), r.Int(5) != 0), r.Text(4)));
            return changes;
        }

        public void ForgetChanges(IReadOnlyCollection<long> changes)
        {
            using var cmd = Command("DELETE FROM changes WHERE id = $id", "$id");
            foreach (var change in changes) Run(cmd, change);
        }
    }
}
