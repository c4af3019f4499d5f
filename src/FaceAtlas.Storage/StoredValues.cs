using System.Runtime.InteropServices;
using FaceAtlas.Core;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>
/// A row's values as the schema promises them, or "damaged catalog": SQLite checks NOT NULL when a row is written,
/// never when it is read, so a damaged page can hand back a NULL, a number where a vector belongs, or a vector cut
/// short. Found by fuzzing the catalog file (fuzz/run.sh catalog); said here once instead of as a cast error.
/// </summary>
internal static class StoredValues
{
    public static long Long(this SqliteDataReader r, int i) => r.IsDBNull(i) ? throw Damaged(r, i, "nothing") : r.GetInt64(i);

    public static int Int(this SqliteDataReader r, int i)
    {
        long value = r.Long(i);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Damaged(r, i, $"{value}, beyond any count or size it stands for");
    }

    public static float Float(this SqliteDataReader r, int i) => r.IsDBNull(i) ? throw Damaged(r, i, "nothing") : r.GetFloat(i);

    public static string Text(this SqliteDataReader r, int i) => r.IsDBNull(i) ? throw Damaged(r, i, "nothing") : r.GetString(i);

    public static byte[] Blob(this SqliteDataReader r, int i) =>
        r.GetValue(i) is byte[] bytes ? bytes : throw Damaged(r, i, r.IsDBNull(i) ? "nothing" : $"a {r.GetFieldType(i).Name}");

    /// <summary>Exactly <paramref name="count"/> float32 values, as the catalog writes vectors and landmark points.</summary>
    public static float[] Floats(this SqliteDataReader r, int i, int count)
    {
        var bytes = r.Blob(i);
        if (bytes.Length != count * sizeof(float)) throw Damaged(r, i, $"{bytes.Length} bytes instead of {count * sizeof(float)}");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>Adds the vector stored in column <paramref name="i"/> to <paramref name="sum"/>, without a copy of its own.</summary>
    public static void AddFloatsTo(this SqliteDataReader r, int i, float[] sum)
    {
        var bytes = r.Blob(i);
        if (bytes.Length != sum.Length * sizeof(float)) throw Damaged(r, i, $"{bytes.Length} bytes instead of {sum.Length * sizeof(float)}");
        System.Numerics.Tensors.TensorPrimitives.Add(sum, MemoryMarshal.Cast<byte, float>(bytes), sum);
    }

    /// <summary>A single value a query must return, such as a count or an id.</summary>
    public static long Long(object? scalar, string what) =>
        scalar is long value ? value : throw new DamagedCatalogException($"{Damage} ({what} is {scalar ?? "nothing"})");

    public static string Text(object? scalar, string what) =>
        scalar as string ?? throw new DamagedCatalogException($"{Damage} ({what} is {scalar ?? "nothing"})");

    /// <summary>What a damaged catalog is said to be, and what to do.</summary>
    public const string Damage = "the catalog is damaged: restore it from a backup, or index the photos into a new catalog";

    static DamagedCatalogException Damaged(SqliteDataReader r, int i, string found) => new($"{Damage} (column {r.GetName(i)} holds {found})");
}
