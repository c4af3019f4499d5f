using FaceAtlas.Core;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>Creates and upgrades the catalog's tables; the version lives in SQLite's user_version.</summary>
internal static class CatalogSchema
{
    public const int Version = 14;

    const string V1 = """
        CREATE TABLE photos(
            id         INTEGER PRIMARY KEY,
            path       TEXT NOT NULL UNIQUE,
            size       INTEGER NOT NULL,
            mtime      INTEGER NOT NULL,      -- last write, .NET ticks UTC
            hash       BLOB,                  -- SHA-256 of the file's bytes
            width      INTEGER,               -- upright, full size
            height     INTEGER,
            format     TEXT,
            failure    TEXT,                  -- why the photo could not be used; NULL when it was
            indexed_at TEXT NOT NULL
        );
        -- AUTOINCREMENT: a face id is never reused, since scripts keep face ids.
        CREATE TABLE faces(
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            photo_id  INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
            score     REAL NOT NULL,
            points    BLOB NOT NULL,          -- 5 (x, y) float32 pairs
            person_id INTEGER
        );
        CREATE INDEX faces_by_photo ON faces(photo_id);
        CREATE INDEX faces_by_person ON faces(person_id);
        -- Kept apart from faces: most queries never need the 2 KB vector.
        CREATE TABLE embeddings(
            face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
            model   TEXT NOT NULL,
            vector  BLOB NOT NULL             -- float32, L2-normalised
        );
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """;

    /// <summary>People, who put each face in its person, and the "not this person" decisions.</summary>
    const string V2 = """
        CREATE TABLE people(
            id            INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: scripts keep person ids
            name          TEXT,
            hidden        INTEGER NOT NULL DEFAULT 0,
            cover_face_id INTEGER,
            created_at    TEXT NOT NULL
        );
        ALTER TABLE faces ADD COLUMN assigned_by INTEGER NOT NULL DEFAULT 0;  -- 0 nobody, 1 clustering, 2 the user
        CREATE TABLE face_rejections(
            face_id   INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL,
            PRIMARY KEY(face_id, person_id)
        );
        """;

    /// <summary>Whether clustering has looked for a face's neighbours since its embedding last changed.</summary>
    const string V3 = """
        ALTER TABLE faces ADD COLUMN clustered INTEGER NOT NULL DEFAULT 0;
        """;

    /// <summary>
    /// Face attributes (NULL for faces indexed before they existed), and a log of every embedding written or
    /// removed, kept by triggers so no writer can forget it: the search index catches up from its last entry.
    /// </summary>
    const string V4 = """
        ALTER TABLE faces ADD COLUMN age REAL;        -- estimated years
        ALTER TABLE faces ADD COLUMN maleness REAL;   -- 0 female .. 1 male
        ALTER TABLE faces ADD COLUMN yaw REAL;
        ALTER TABLE faces ADD COLUMN pitch REAL;
        ALTER TABLE faces ADD COLUMN roll REAL;
        ALTER TABLE faces ADD COLUMN sharpness REAL;  -- 0..1
        ALTER TABLE faces ADD COLUMN quality REAL;    -- 0..1
        CREATE TABLE embedding_changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, face_id INTEGER NOT NULL);
        CREATE TRIGGER embedding_added AFTER INSERT ON embeddings
            BEGIN INSERT INTO embedding_changes(face_id) VALUES (new.face_id); END;
        CREATE TRIGGER embedding_updated AFTER UPDATE ON embeddings
            BEGIN INSERT INTO embedding_changes(face_id) VALUES (new.face_id); END;
        CREATE TRIGGER embedding_removed AFTER DELETE ON embeddings
            BEGIN INSERT INTO embedding_changes(face_id) VALUES (old.face_id); END;
        INSERT INTO embedding_changes(face_id) SELECT face_id FROM embeddings;
        INSERT OR IGNORE INTO meta(key, value) VALUES ('catalog_id', lower(hex(randomblob(16))));
        """;

    /// <summary>
    /// Pairs of people the user said are not one ("not the same" on a suggestion), smaller id first; and where the
    /// faces of forgotten people were, so a photo analysed again does not bring them back (a box, no biometrics).
    /// </summary>
    const string V5 = """
        CREATE TABLE distinct_people(a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY(a, b));
        CREATE TABLE forgotten_faces(
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL
        );
        CREATE INDEX forgotten_by_photo ON forgotten_faces(photo_id);
        """;

    /// <summary>
    /// When each photo was taken (ISO 8601, with the offset where the photo records it) and whence: "exif", or
    /// "file" (its last write). NULL for photos indexed before: the next index reads their date without analysing.
    /// And faces the user ignored (background strangers): in no person, never clustered, out of the review; and
    /// faces the user drew (the detector missed them): kept when their photo is analysed again.
    /// </summary>
    const string V6 = """
        ALTER TABLE photos ADD COLUMN taken TEXT;
        ALTER TABLE photos ADD COLUMN taken_source TEXT;
        ALTER TABLE faces ADD COLUMN ignored INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE faces ADD COLUMN drawn INTEGER NOT NULL DEFAULT 0;
        """;

    /// <summary>Videos: a video's length (NULL for a photo), and the moment of the frame each of its faces was seen in.</summary>
    const string V7 = """
        ALTER TABLE photos ADD COLUMN duration_ms INTEGER;
        ALTER TABLE faces ADD COLUMN frame_ms INTEGER;
        """;

    /// <summary>
    /// Each person's faces and photos counted as faces come and go (triggers on every write of a face's person, by
    /// any path: clustering, a user's move, a photo analysed again or removed, a catalog copied in), so that listing
    /// people, sorting them by size and paging them never counts a million faces. <c>person_photos</c> holds how
    /// many of a person's faces each photo has: a photo counts once however many of their faces it holds.
    /// </summary>
    const string V8 = """
        ALTER TABLE people ADD COLUMN face_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE people ADD COLUMN photo_count INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE person_photos(
            person_id INTEGER NOT NULL,
            photo_id  INTEGER NOT NULL,
            faces     INTEGER NOT NULL,
            PRIMARY KEY(person_id, photo_id)
        ) WITHOUT ROWID;
        INSERT INTO person_photos SELECT person_id, photo_id, count(*) FROM faces WHERE person_id IS NOT NULL GROUP BY person_id, photo_id;
        UPDATE people SET face_count = coalesce((SELECT sum(faces) FROM person_photos WHERE person_id = people.id), 0),
                          photo_count = (SELECT count(*) FROM person_photos WHERE person_id = people.id);
        CREATE INDEX people_by_size ON people(face_count DESC, id);
        CREATE TRIGGER face_joins AFTER INSERT ON faces WHEN NEW.person_id IS NOT NULL BEGIN
            INSERT OR IGNORE INTO person_photos VALUES (NEW.person_id, NEW.photo_id, 0);
            UPDATE person_photos SET faces = faces + 1 WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id;
            UPDATE people SET face_count = face_count + 1,
                photo_count = photo_count + (SELECT faces = 1 FROM person_photos WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id)
                WHERE id = NEW.person_id;
        END;
        CREATE TRIGGER face_leaves AFTER DELETE ON faces WHEN OLD.person_id IS NOT NULL BEGIN
            UPDATE person_photos SET faces = faces - 1 WHERE person_id = OLD.person_id AND photo_id = OLD.photo_id;
            UPDATE people SET face_count = face_count - 1,
                photo_count = photo_count - (SELECT faces = 0 FROM person_photos WHERE person_id = OLD.person_id AND photo_id = OLD.photo_id)
                WHERE id = OLD.person_id;
            DELETE FROM person_photos WHERE person_id = OLD.person_id AND photo_id = OLD.photo_id AND faces = 0;
        END;
        CREATE TRIGGER face_moves AFTER UPDATE OF person_id ON faces WHEN OLD.person_id IS NOT NEW.person_id BEGIN
            UPDATE person_photos SET faces = faces - 1 WHERE OLD.person_id IS NOT NULL AND person_id = OLD.person_id AND photo_id = OLD.photo_id;
            UPDATE people SET face_count = face_count - 1,
                photo_count = photo_count - (SELECT faces = 0 FROM person_photos WHERE person_id = OLD.person_id AND photo_id = OLD.photo_id)
                WHERE OLD.person_id IS NOT NULL AND id = OLD.person_id;
            DELETE FROM person_photos WHERE OLD.person_id IS NOT NULL AND person_id = OLD.person_id AND photo_id = OLD.photo_id AND faces = 0;
            INSERT OR IGNORE INTO person_photos SELECT NEW.person_id, NEW.photo_id, 0 WHERE NEW.person_id IS NOT NULL;
            UPDATE person_photos SET faces = faces + 1 WHERE NEW.person_id IS NOT NULL AND person_id = NEW.person_id AND photo_id = NEW.photo_id;
            UPDATE people SET face_count = face_count + 1,
                photo_count = photo_count + (SELECT faces = 1 FROM person_photos WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id)
                WHERE NEW.person_id IS NOT NULL AND id = NEW.person_id;
        END;
        """;

    /// <summary>
    /// The history of the user's changes to people, each with the journal that undoes it. And detections the user said
    /// are not a face (a hand, a logo, a poster): the row stays, out of every list of faces, so that the photo analysed
    /// again finds it at the same place and the decision holds; undone, it is a face again. And people's birth days.
    /// </summary>
    const string V9 = """
        CREATE TABLE changes(
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      TEXT NOT NULL,
            kind    TEXT NOT NULL,
            summary TEXT NOT NULL,
            journal TEXT NOT NULL,
            undone  INTEGER NOT NULL DEFAULT 0
        );
        ALTER TABLE faces ADD COLUMN not_face INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE people ADD COLUMN birth TEXT;  -- yyyy-MM-dd, when the user said it
        """;

    /// <summary>
    /// The catalog's counts kept as rows come and go (triggers, by any path of writing), so that its status never
    /// counts a million faces: photos, failed photos, faces (not those said not to be faces) and photos with one.
    /// And each person's photos kept in the pages' order (their photo's <c>undated</c> and <c>taken</c> copied into
    /// <c>person_photos</c>, by the triggers that keep it and when a photo's date changes), so that a page of a
    /// person's photos is a range of an index, never a sort of all their photos.
    /// </summary>
    const string V10 = """
        ALTER TABLE person_photos ADD COLUMN undated INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE person_photos ADD COLUMN taken TEXT NOT NULL DEFAULT '';
        UPDATE person_photos SET (undated, taken) =
            (SELECT CASE WHEN p.taken IS NULL OR p.taken_source = 'file' THEN 1 ELSE 0 END, coalesce(p.taken, '') FROM photos p WHERE p.id = person_photos.photo_id);
        CREATE INDEX person_photos_in_order ON person_photos(person_id, undated, taken DESC, photo_id DESC);
        CREATE INDEX person_photos_by_photo ON person_photos(photo_id);
        DROP TRIGGER face_joins;
        CREATE TRIGGER face_joins AFTER INSERT ON faces WHEN NEW.person_id IS NOT NULL BEGIN
            INSERT OR IGNORE INTO person_photos(person_id, photo_id, faces, undated, taken)
                SELECT NEW.person_id, NEW.photo_id, 0, CASE WHEN p.taken IS NULL OR p.taken_source = 'file' THEN 1 ELSE 0 END, coalesce(p.taken, '')
                FROM photos p WHERE p.id = NEW.photo_id;
            UPDATE person_photos SET faces = faces + 1 WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id;
            UPDATE people SET face_count = face_count + 1,
                photo_count = photo_count + (SELECT faces = 1 FROM person_photos WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id)
                WHERE id = NEW.person_id;
        END;
        DROP TRIGGER face_moves;
        CREATE TRIGGER face_moves AFTER UPDATE OF person_id ON faces WHEN OLD.person_id IS NOT NEW.person_id BEGIN
            UPDATE person_photos SET faces = faces - 1 WHERE OLD.person_id IS NOT NULL AND person_id = OLD.person_id AND photo_id = OLD.photo_id;
            UPDATE people SET face_count = face_count - 1,
                photo_count = photo_count - (SELECT faces = 0 FROM person_photos WHERE person_id = OLD.person_id AND photo_id = OLD.photo_id)
                WHERE OLD.person_id IS NOT NULL AND id = OLD.person_id;
            DELETE FROM person_photos WHERE OLD.person_id IS NOT NULL AND person_id = OLD.person_id AND photo_id = OLD.photo_id AND faces = 0;
            INSERT OR IGNORE INTO person_photos(person_id, photo_id, faces, undated, taken)
                SELECT NEW.person_id, NEW.photo_id, 0, CASE WHEN p.taken IS NULL OR p.taken_source = 'file' THEN 1 ELSE 0 END, coalesce(p.taken, '')
                FROM photos p WHERE NEW.person_id IS NOT NULL AND p.id = NEW.photo_id;
            UPDATE person_photos SET faces = faces + 1 WHERE NEW.person_id IS NOT NULL AND person_id = NEW.person_id AND photo_id = NEW.photo_id;
            UPDATE people SET face_count = face_count + 1,
                photo_count = photo_count + (SELECT faces = 1 FROM person_photos WHERE person_id = NEW.person_id AND photo_id = NEW.photo_id)
                WHERE NEW.person_id IS NOT NULL AND id = NEW.person_id;
        END;
        CREATE TRIGGER photo_redated AFTER UPDATE OF taken, taken_source ON photos BEGIN
            UPDATE person_photos SET undated = CASE WHEN NEW.taken IS NULL OR NEW.taken_source = 'file' THEN 1 ELSE 0 END, taken = coalesce(NEW.taken, '')
                WHERE photo_id = NEW.id;
        END;
        CREATE TABLE tallies(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO tallies VALUES
            ('photos', (SELECT count(*) FROM photos)),
            ('failed', (SELECT count(*) FROM photos WHERE failure IS NOT NULL)),
            ('faces', (SELECT count(*) FROM faces WHERE not_face = 0)),
            ('photos_with_faces', (SELECT count(DISTINCT photo_id) FROM faces WHERE not_face = 0));
        CREATE TRIGGER photo_tallied AFTER INSERT ON photos BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'photos' OR (name = 'failed' AND NEW.failure IS NOT NULL);
        END;
        CREATE TRIGGER photo_untallied AFTER DELETE ON photos BEGIN
            UPDATE tallies SET value = value - 1 WHERE name = 'photos' OR (name = 'failed' AND OLD.failure IS NOT NULL);
        END;
        CREATE TRIGGER photo_failure_tallied AFTER UPDATE OF failure ON photos WHEN (OLD.failure IS NULL) <> (NEW.failure IS NULL) BEGIN
            UPDATE tallies SET value = value + (CASE WHEN NEW.failure IS NULL THEN -1 ELSE 1 END) WHERE name = 'failed';
        END;
        CREATE TRIGGER face_tallied AFTER INSERT ON faces WHEN NEW.not_face = 0 BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'faces' OR (name = 'photos_with_faces'
                AND NOT EXISTS (SELECT 1 FROM faces WHERE photo_id = NEW.photo_id AND not_face = 0 AND id <> NEW.id));
        END;
        CREATE TRIGGER face_untallied AFTER DELETE ON faces WHEN OLD.not_face = 0 BEGIN
            UPDATE tallies SET value = value - 1 WHERE name = 'faces' OR (name = 'photos_with_faces'
                AND NOT EXISTS (SELECT 1 FROM faces WHERE photo_id = OLD.photo_id AND not_face = 0));
        END;
        CREATE TRIGGER face_mark_tallied AFTER UPDATE OF not_face ON faces WHEN (OLD.not_face = 0) <> (NEW.not_face = 0) BEGIN
            UPDATE tallies SET value = value + (CASE WHEN NEW.not_face = 0 THEN 1 ELSE -1 END) WHERE name = 'faces' OR (name = 'photos_with_faces'
                AND NOT EXISTS (SELECT 1 FROM faces WHERE photo_id = NEW.photo_id AND not_face = 0 AND id <> NEW.id));
        END;
        """;

    /// <summary>
    /// Each person's revision, moved on by triggers (by any path of writing) whenever which faces count in them changes
    /// (a face joins, leaves, is ignored or said not to be a face, or its embedding changes), and the sums of their
    /// embeddings kept at a revision: current while the two match, so clustering a few new faces beside a person of
    /// 30,000 reads one row instead of every face. A face removed takes its person's kept sum with it (nothing derived
    /// from a removed face stays), as a person removed does.
    /// </summary>
    const string V11 = """
        ALTER TABLE people ADD COLUMN faces_rev INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE person_sums(
            person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            faces_rev INTEGER NOT NULL,   -- the person's revision the faces and sum hold at
            faces     INTEGER NOT NULL,
            sum       BLOB NOT NULL       -- float64 x 512; empty: nothing summed
        );
        CREATE TRIGGER person_face_added AFTER INSERT ON faces WHEN NEW.person_id IS NOT NULL BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id = NEW.person_id;
        END;
        CREATE TRIGGER person_face_removed AFTER DELETE ON faces WHEN OLD.person_id IS NOT NULL BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id = OLD.person_id;
            DELETE FROM person_sums WHERE person_id = OLD.person_id;
        END;
        CREATE TRIGGER person_face_moved AFTER UPDATE OF person_id, ignored, not_face ON faces
            WHEN OLD.person_id IS NOT NEW.person_id OR OLD.ignored <> NEW.ignored OR OLD.not_face <> NEW.not_face BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id IN (OLD.person_id, NEW.person_id);
        END;
        CREATE TRIGGER person_embedding_added AFTER INSERT ON embeddings BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id = (SELECT person_id FROM faces WHERE id = NEW.face_id);
        END;
        CREATE TRIGGER person_embedding_changed AFTER UPDATE ON embeddings BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id IN (SELECT person_id FROM faces WHERE id IN (OLD.face_id, NEW.face_id));
        END;
        CREATE TRIGGER person_embedding_removed AFTER DELETE ON embeddings BEGIN
            UPDATE people SET faces_rev = faces_rev + 1 WHERE id = (SELECT person_id FROM faces WHERE id = OLD.face_id);
            DELETE FROM person_sums WHERE person_id = (SELECT person_id FROM faces WHERE id = OLD.face_id);
        END;
        """;

    /// <summary>
    /// What clustering a few new faces and the rules after every change to people look for, found through an index
    /// instead of by reading every face or every person: the faces no clustering has seen (in no person, not ignored nor
    /// said not to be faces, not clustered), the people without a cover, and those whose birth is known (the birth-day
    /// rule's few among tens of thousands). A person's cover is cleared by the catalog when its face leaves them (moved,
    /// or removed with its photo), so that a person whose cover is not their own is one with faces and no cover; covers
    /// that were not their person's own are cleared once here.
    /// </summary>
    const string V12 = """
        CREATE INDEX faces_to_cluster ON faces(id) WHERE person_id IS NULL AND clustered = 0 AND ignored = 0 AND not_face = 0;
        UPDATE people SET cover_face_id = NULL WHERE cover_face_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.id = people.cover_face_id AND f.person_id = people.id);
        CREATE INDEX people_uncovered ON people(id) WHERE cover_face_id IS NULL;
        CREATE INDEX people_born ON people(id) WHERE birth IS NOT NULL;
        CREATE TRIGGER cover_leaves AFTER UPDATE OF person_id ON faces WHEN OLD.person_id IS NOT NULL AND OLD.person_id IS NOT NEW.person_id BEGIN
            UPDATE people SET cover_face_id = NULL WHERE id = OLD.person_id AND cover_face_id = OLD.id;
        END;
        CREATE TRIGGER cover_removed AFTER DELETE ON faces WHEN OLD.person_id IS NOT NULL BEGIN
            UPDATE people SET cover_face_id = NULL WHERE id = OLD.person_id AND cover_face_id = OLD.id;
        END;
        """;

    /// <summary>
    /// Every photo in the pages' order (the undated after the dated, then the latest taken, then the highest id), those
    /// that could be used: so that a page of the library's photos, and its first and last day, are ranges of an index,
    /// never a sort or a count of every photo. The expressions are <c>CatalogTables</c>' own, as the pages' statements
    /// write them.
    /// </summary>
    const string V13 = """
        CREATE INDEX photos_in_order ON photos((CASE WHEN taken IS NULL OR taken_source = 'file' THEN 1 ELSE 0 END), coalesce(taken, '') DESC, id DESC)
            WHERE failure IS NULL;
        """;

    /// <summary>
    /// The people's revision (<c>IPeopleCatalog.PeopleRevision</c>), one count for the whole catalog moved on by
    /// triggers whenever what people's averages and the suggestions are made of changes: a person's faces or their
    /// embeddings (their <c>faces_rev</c> moves), who is hidden, a birth day, the day of a photo someone is in, and
    /// the pairs said to be two people. So a server that starts again on an unchanged catalog keeps what it saved,
    /// and one that is browsed makes nothing again until something changed.
    /// </summary>
    const string V14 = """
        INSERT INTO tallies VALUES ('people_revision', 0);
        CREATE TRIGGER people_revised AFTER UPDATE OF faces_rev, hidden, birth ON people
            WHEN OLD.faces_rev <> NEW.faces_rev OR OLD.hidden <> NEW.hidden OR OLD.birth IS NOT NEW.birth BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'people_revision';
        END;
        CREATE TRIGGER people_told_apart AFTER INSERT ON distinct_people BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'people_revision';
        END;
        CREATE TRIGGER people_not_told_apart AFTER DELETE ON distinct_people BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'people_revision';
        END;
        CREATE TRIGGER people_photo_redated AFTER UPDATE OF taken, taken_source ON photos
            WHEN (OLD.taken IS NOT NEW.taken OR OLD.taken_source IS NOT NEW.taken_source)
                AND EXISTS (SELECT 1 FROM person_photos WHERE photo_id = NEW.id) BEGIN
            UPDATE tallies SET value = value + 1 WHERE name = 'people_revision';
        END;
        """;

    public static void Apply(SqliteConnection connection, string location)
    {
        int version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
        if (version > Version)
            throw new DamagedCatalogException($"{location} was written by a newer FaceAtlas (schema {version}, this one knows {Version})");
        if (version == Version) return;
        if (version == 0 && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master")) > 0)
            throw new DamagedCatalogException($"{location} is an SQLite database but not a FaceAtlas catalog");
        using var tx = connection.BeginTransaction();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            // Each step upgrades from the version before it; a new catalog takes them all.
            // (Joined by lines: a step may end in a comment.)
            string[] steps = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14];
            cmd.CommandText = string.Join('\n', steps.Skip(version)) + $"\nPRAGMA user_version = {Version};";
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
