using System.Runtime.InteropServices;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// Writes photo outcomes inside one transaction. Idempotent: a photo is one row by path and its faces are matched
/// by place (<see cref="ReanalysedFaces"/>), so a batch written again (its first commit's answer was lost with the
/// connection) leaves what one write leaves.
/// </summary>
internal sealed class PostgresOutcomeWriter(NpgsqlConnection connection, NpgsqlTransaction tx, PathMap paths)
{
    public void Write(PhotoOutcome outcome)
    {
        switch (outcome)
        {
            case PhotoOutcome.Unchanged u:
                Run("""
                    UPDATE photos SET path = @path, size = @size, mtime = @mtime, indexed_at = @at,
                        taken = coalesce(@taken, taken), taken_source = coalesce(@source, taken_source)
                    WHERE id = @id
                    """, ("path", paths.ToCatalog(u.File.Path)), ("size", u.File.Size), ("mtime", u.File.ModifiedTicks),
                    ("at", DateTime.UtcNow.ToString("O")), ("taken", u.Taken?.Text), ("source", u.Taken?.SourceName), ("id", u.PhotoId));
                break;
            case PhotoOutcome.Failed f:
                Run("DELETE FROM faces WHERE photo_id = @photo", ("photo", UpsertPhoto(f.File, f.ContentHash, null, f.Reason, null)));
                break;
            case PhotoOutcome.Analysed a:
                UpdateFaces(UpsertPhoto(a.File, a.ContentHash, a.Analysis, null, a.Taken), a.Analysis.Faces);
                break;
        }
    }

    long UpsertPhoto(PhotoFile file, byte[]? hash, PhotoAnalysis? analysis, string? failure, CaptureDate? taken)
    {
        using var cmd = Command("""
            INSERT INTO photos(path, size, mtime, hash, width, height, format, failure, indexed_at, taken, taken_source, duration_ms)
            VALUES (@path, @size, @mtime, @hash, @width, @height, @format, @failure, @at, @taken, @source, @duration)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash,
                width = excluded.width, height = excluded.height, format = excluded.format,
                failure = excluded.failure, indexed_at = excluded.indexed_at, taken = excluded.taken, taken_source = excluded.taken_source,
                duration_ms = excluded.duration_ms
            RETURNING id
            """, ("path", paths.ToCatalog(file.Path)), ("size", file.Size), ("mtime", file.ModifiedTicks), ("hash", hash),
            ("width", (long?)analysis?.Width), ("height", (long?)analysis?.Height), ("format", analysis?.Format), ("failure", failure),
            ("at", DateTime.UtcNow.ToString("O")), ("taken", taken?.Text), ("source", taken?.SourceName),
            ("duration", analysis?.DurationMs));
        return (long)cmd.ExecuteScalar()!;
    }

    void UpdateFaces(long photoId, IReadOnlyList<FaceObservation> faces)
    {
        var old = new List<(long Id, FaceBox Box)>();
        var notFaces = new HashSet<long>();
        using (var cmd = Command("SELECT id, x, y, w, h, not_face FROM faces WHERE photo_id = @photo AND drawn = 0 ORDER BY id", ("photo", photoId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                old.Add((r.GetInt64(0), Box(r, 1)));
                if (r.GetInt64(5) != 0) notFaces.Add(r.GetInt64(0));
            }
        var forgotten = new List<FaceBox>();
        using (var cmd = Command("SELECT x, y, w, h FROM forgotten_faces WHERE photo_id = @photo", ("photo", photoId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) forgotten.Add(Box(r, 0));
        var plan = ReanalysedFaces.Plan(old, forgotten, faces, notFaces);
        foreach (var (faceId, face) in plan.Kept)
        {
            Run("""
                UPDATE faces SET x = @x, y = @y, w = @w, h = @h, score = @score, points = @points, clustered = 0,
                    age = @age, maleness = @maleness, yaw = @yaw, pitch = @pitch, roll = @roll, sharpness = @sharpness, quality = @quality,
                    frame_ms = @frame
                WHERE id = @id
                """, [.. FaceValues(face), ("id", faceId)]);
            WriteEmbedding(faceId, face);
        }
        foreach (var face in plan.Added)
            InsertFace(photoId, face, drawn: false);
        if (plan.Removed.Count > 0)
            Run("DELETE FROM faces WHERE id = ANY(@ids)", ("ids", plan.Removed.ToArray()));
    }

    static FaceBox Box(NpgsqlDataReader r, int at) =>
        new((float)r.GetDouble(at), (float)r.GetDouble(at + 1), (float)r.GetDouble(at + 2), (float)r.GetDouble(at + 3));

    static (string, object?)[] FaceValues(FaceObservation face)
    {
        var a = face.Attributes;
        return [("x", (double)face.Box.X), ("y", (double)face.Box.Y), ("w", (double)face.Box.Width), ("h", (double)face.Box.Height),
            ("score", (double)face.Score), ("points", MemoryMarshal.AsBytes(face.Points.ToArray().AsSpan()).ToArray()),
            ("age", (double?)a?.Age), ("maleness", (double?)a?.Maleness), ("yaw", (double?)a?.Pose.Yaw), ("pitch", (double?)a?.Pose.Pitch),
            ("roll", (double?)a?.Pose.Roll), ("sharpness", (double?)a?.Sharpness), ("quality", (double?)a?.Quality), ("frame", face.FrameMs)];
    }

    /// <summary>Writes a new face and its embedding; <paramref name="drawn"/>: one the user drew. Returns its id.</summary>
    public long InsertFace(long photoId, FaceObservation face, bool drawn)
    {
        using var cmd = Command("""
            INSERT INTO faces(photo_id, x, y, w, h, score, points, age, maleness, yaw, pitch, roll, sharpness, quality, drawn, frame_ms)
            VALUES (@photo, @x, @y, @w, @h, @score, @points, @age, @maleness, @yaw, @pitch, @roll, @sharpness, @quality, @drawn, @frame)
            RETURNING id
            """, [("photo", photoId), .. FaceValues(face), ("drawn", drawn ? 1L : 0L)]);
        long faceId = (long)cmd.ExecuteScalar()!;
        WriteEmbedding(faceId, face);
        return faceId;
    }

    void WriteEmbedding(long faceId, FaceObservation face) =>
        Run("""
            INSERT INTO embeddings(face_id, model, vector) VALUES (@face, @model, @vector)
            ON CONFLICT(face_id) DO UPDATE SET model = excluded.model, vector = excluded.vector
            """, ("face", faceId), ("model", Embeddings.ModelId), ("vector", MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray()));

    NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = PostgresCatalog.Command(connection, sql, parameters);
        cmd.Transaction = tx;
        return cmd;
    }

    void Run(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(sql, parameters);
        cmd.ExecuteNonQuery();
    }
}
