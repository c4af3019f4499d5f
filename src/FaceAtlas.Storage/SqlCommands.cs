using Microsoft.Data.Sqlite;

namespace FaceAtlas.Storage;

/// <summary>Commands prepared with named parameters, then bound by position and run.</summary>
internal static class SqlCommands
{
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? tx, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var p in parameters)
            cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    /// <summary>Sets the parameters in the order they were declared; null is SQL NULL.</summary>
    public static SqliteCommand Bind(SqliteCommand cmd, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd;
    }

    public static void Run(SqliteCommand cmd, params object?[] values) => Bind(cmd, values).ExecuteNonQuery();
}
