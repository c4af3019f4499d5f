using System.Runtime.InteropServices;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Vision;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>Writes photo outcomes inside one transaction with commands prepared once per batch.</summary>
internal sealed class OutcomeWriter : IDisposable
{
    readonly SqliteCommand _upsertPhoto, _deleteFaces, _insertFace, _insertEmbedding, _touchPhoto;

    public OutcomeWriter(SqliteConnection connection, SqliteTransaction tx)
    {
        _upsertPhoto = Command(connection, tx, """
            INSERT INTO photos(path, size, mtime, hash, width, height, format, failure, indexed_at)
            VALUES ($path, $size, $mtime, $hash, $width, $height, $format, $failure, $at)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash,
                width = excluded.width, height = excluded.height, format = excluded.format,
                failure = excluded.failure, indexed_at = excluded.indexed_at
            RETURNING id
            """, "$path", "$size", "$mtime", "$hash", "$width", "$height", "$format", "$failure", "$at");
        _deleteFaces = Command(connection, tx, "DELETE FROM faces WHERE photo_id = $photo", "$photo");
        _insertFace = Command(connection, tx, """
            INSERT INTO faces(photo_id, x, y, w, h, score, points) VALUES ($photo, $x, $y, $w, $h, $score, $points) RETURNING id
            """, "$photo", "$x", "$y", "$w", "$h", "$score", "$points");
        _insertEmbedding = Command(connection, tx, "INSERT INTO embeddings(face_id, model, vector) VALUES ($face, $model, $vector)",
            "$face", "$model", "$vector");
        _touchPhoto = Command(connection, tx, "UPDATE photos SET size = $size, mtime = $mtime WHERE id = $id", "$size", "$mtime", "$id");
    }

    public void Write(PhotoOutcome outcome)
    {
        switch (outcome)
        {
            case PhotoOutcome.Unchanged u:
                Run(_touchPhoto, u.File.Size, u.File.ModifiedTicks, u.PhotoId);
                break;
            case PhotoOutcome.Failed f:
                ReplaceFaces(UpsertPhoto(f.File, f.ContentHash, null, f.Reason));
                break;
            case PhotoOutcome.Analysed a:
                long photoId = UpsertPhoto(a.File, a.ContentHash, a.Analysis, null);
                ReplaceFaces(photoId);
                foreach (var face in a.Analysis.Faces)
                    InsertFace(photoId, face);
                break;
        }
    }

    long UpsertPhoto(PhotoFile file, byte[]? hash, PhotoAnalysis? analysis, string? failure) =>
        Convert.ToInt64(Bind(_upsertPhoto, file.Path, file.Size, file.ModifiedTicks, hash, analysis?.Width, analysis?.Height,
            analysis?.Format, failure, DateTime.UtcNow.ToString("O")).ExecuteScalar());

    void ReplaceFaces(long photoId) => Run(_deleteFaces, photoId);

    void InsertFace(long photoId, FaceObservation face)
    {
        var points = MemoryMarshal.AsBytes(face.Points.ToArray().AsSpan()).ToArray();
        long faceId = Convert.ToInt64(Bind(_insertFace, photoId, face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height,
            face.Score, points).ExecuteScalar());
        Run(_insertEmbedding, faceId, FaceEmbedder.ModelId, MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray());
    }

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var p in parameters)
            cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    static SqliteCommand Bind(SqliteCommand cmd, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd;
    }

    static void Run(SqliteCommand cmd, params object?[] values) => Bind(cmd, values).ExecuteNonQuery();

    public void Dispose()
    {
        _upsertPhoto.Dispose();
        _deleteFaces.Dispose();
        _insertFace.Dispose();
        _insertEmbedding.Dispose();
        _touchPhoto.Dispose();
    }
}
