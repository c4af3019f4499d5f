using System.Runtime.InteropServices;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using Microsoft.Data.Sqlite;
using static FaceAtlas.Storage.SqlCommands;

namespace FaceAtlas.Storage;

/// <summary>Writes photo outcomes inside one transaction with commands prepared once per batch.</summary>
internal sealed class OutcomeWriter : IDisposable
{
    readonly SqliteCommand _upsertPhoto, _deleteFaces, _insertFace, _insertEmbedding, _touchPhoto, _oldFaces, _updateFace, _deleteFace, _forgotten;

    public OutcomeWriter(SqliteConnection connection, SqliteTransaction tx)
    {
        _upsertPhoto = SqlCommands.Create(connection, tx, """
            INSERT INTO photos(path, size, mtime, hash, width, height, format, failure, indexed_at, taken, taken_source, duration_ms)
            VALUES ($path, $size, $mtime, $hash, $width, $height, $format, $failure, $at, $taken, $source, $duration)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash,
                width = excluded.width, height = excluded.height, format = excluded.format,
                failure = excluded.failure, indexed_at = excluded.indexed_at, taken = excluded.taken, taken_source = excluded.taken_source,
                duration_ms = excluded.duration_ms
            RETURNING id
            """, "$path", "$size", "$mtime", "$hash", "$width", "$height", "$format", "$failure", "$at", "$taken", "$source", "$duration");
        _deleteFaces = SqlCommands.Create(connection, tx, "DELETE FROM faces WHERE photo_id = $photo", "$photo");
        _insertFace = SqlCommands.Create(connection, tx, """
            INSERT INTO faces(photo_id, x, y, w, h, score, points, age, maleness, yaw, pitch, roll, sharpness, quality, drawn, frame_ms)
            VALUES ($photo, $x, $y, $w, $h, $score, $points, $age, $maleness, $yaw, $pitch, $roll, $sharpness, $quality, $drawn, $frame)
            RETURNING id
            """, ["$photo", "$x", "$y", "$w", "$h", "$score", "$points", .. AttributeParameters, "$drawn", "$frame"]);
        _insertEmbedding = SqlCommands.Create(connection, tx, "INSERT OR REPLACE INTO embeddings(face_id, model, vector) VALUES ($face, $model, $vector)",
            "$face", "$model", "$vector");
        _touchPhoto = SqlCommands.Create(connection, tx, """
            UPDATE photos SET path = $path, size = $size, mtime = $mtime, indexed_at = $at,
                taken = coalesce($taken, taken), taken_source = coalesce($source, taken_source)
            WHERE id = $id
            """, "$path", "$size", "$mtime", "$at", "$taken", "$source", "$id");
        // A face the user drew stays whatever the detector finds: it is neither matched nor removed.
        _oldFaces = SqlCommands.Create(connection, tx, "SELECT id, x, y, w, h, not_face FROM faces WHERE photo_id = $photo AND drawn = 0", "$photo");
        _updateFace = SqlCommands.Create(connection, tx, """
            UPDATE faces SET x = $x, y = $y, w = $w, h = $h, score = $score, points = $points, clustered = 0,
                age = $age, maleness = $maleness, yaw = $yaw, pitch = $pitch, roll = $roll, sharpness = $sharpness, quality = $quality,
                frame_ms = $frame
            WHERE id = $id
            """, ["$x", "$y", "$w", "$h", "$score", "$points", .. AttributeParameters, "$frame", "$id"]);
        _deleteFace = SqlCommands.Create(connection, tx, "DELETE FROM faces WHERE id = $id", "$id");
        _forgotten = SqlCommands.Create(connection, tx, "SELECT x, y, w, h FROM forgotten_faces WHERE photo_id = $photo", "$photo");
    }

    static readonly string[] AttributeParameters = ["$age", "$maleness", "$yaw", "$pitch", "$roll", "$sharpness", "$quality"];

    static object?[] AttributeValues(FaceAttributes? a) =>
        [a?.Age, a?.Maleness, a?.Pose.Yaw, a?.Pose.Pitch, a?.Pose.Roll, a?.Sharpness, a?.Quality];

    public void Write(PhotoOutcome outcome)
    {
        switch (outcome)
        {
            case PhotoOutcome.Unchanged u:
                Run(_touchPhoto, u.File.Path, u.File.Size, u.File.ModifiedTicks, DateTime.UtcNow.ToString("O"), u.Taken?.Text, u.Taken?.SourceName, u.PhotoId);
                break;
            case PhotoOutcome.Failed f:
                ReplaceFaces(UpsertPhoto(f.File, f.ContentHash, null, f.Reason, null));
                break;
            case PhotoOutcome.Analysed a:
                long photoId = UpsertPhoto(a.File, a.ContentHash, a.Analysis, null, a.Taken);
                UpdateFaces(photoId, a.Analysis.Faces);
                break;
        }
    }

    long UpsertPhoto(PhotoFile file, byte[]? hash, PhotoAnalysis? analysis, string? failure, CaptureDate? taken) =>
        Convert.ToInt64(Bind(_upsertPhoto, file.Path, file.Size, file.ModifiedTicks, hash, analysis?.Width, analysis?.Height,
            analysis?.Format, failure, DateTime.UtcNow.ToString("O"), taken?.Text, taken?.SourceName, analysis?.DurationMs).ExecuteScalar());

    void ReplaceFaces(long photoId) => Run(_deleteFaces, photoId);

    /// <summary>A photo analysed again: its faces as <see cref="ReanalysedFaces"/> says.</summary>
    void UpdateFaces(long photoId, IReadOnlyList<FaceObservation> faces)
    {
        var old = new List<(long Id, FaceBox Box)>();
        var notFaces = new HashSet<long>();
        _oldFaces.Parameters[0].Value = photoId;
        using (var r = _oldFaces.ExecuteReader())
            while (r.Read())
            {
                old.Add((r.Long(0), new FaceBox(r.Float(1), r.Float(2), r.Float(3), r.Float(4))));
                if (r.Long(5) != 0) notFaces.Add(r.Long(0));
            }
        var forgotten = new List<FaceBox>();
        _forgotten.Parameters[0].Value = photoId;
        using (var r = _forgotten.ExecuteReader())
            while (r.Read()) forgotten.Add(new FaceBox(r.Float(0), r.Float(1), r.Float(2), r.Float(3)));
        var plan = ReanalysedFaces.Plan(old, forgotten, faces, notFaces);
        foreach (var (faceId, face) in plan.Kept)
        {
            Run(_updateFace, [face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height, face.Score, PointBytes(face), .. AttributeValues(face.Attributes),
                face.FrameMs, faceId]);
            WriteEmbedding(faceId, face);
        }
        foreach (var face in plan.Added)
            InsertFace(photoId, face, drawn: false);
        foreach (var id in plan.Removed)
            Run(_deleteFace, id);
    }

    static byte[] PointBytes(FaceObservation face) => MemoryMarshal.AsBytes(face.Points.ToArray().AsSpan()).ToArray();

    void WriteEmbedding(long faceId, FaceObservation face) =>
        Run(_insertEmbedding, faceId, Embeddings.ModelId, MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray());

    /// <summary>Writes a new face and its embedding; <paramref name="drawn"/>: one the user drew. Returns its id.</summary>
    public long InsertFace(long photoId, FaceObservation face, bool drawn)
    {
        var points = PointBytes(face);
        long faceId = Convert.ToInt64(Bind(_insertFace, [photoId, face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height,
            face.Score, points, .. AttributeValues(face.Attributes), drawn ? 1 : 0, face.FrameMs]).ExecuteScalar());
        WriteEmbedding(faceId, face);
        return faceId;
    }

    public void Dispose()
    {
        _upsertPhoto.Dispose();
        _deleteFaces.Dispose();
        _insertFace.Dispose();
        _insertEmbedding.Dispose();
        _touchPhoto.Dispose();
        _oldFaces.Dispose();
        _updateFace.Dispose();
        _deleteFace.Dispose();
        _forgotten.Dispose();
    }
}
