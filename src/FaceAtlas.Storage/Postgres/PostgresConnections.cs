using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// Connections to one PostgreSQL catalog, and the rule for its failures: work is done in short transactions, and
/// one that fails because the server went away (restarted, a network cut, too many clients) is run again with
/// growing pauses, for up to <see cref="GiveUpAfter"/>: each is whole or not at all, and written so that running it
/// twice does what running it once does.
/// </summary>
internal sealed class PostgresConnections(PostgresLocation location, Action<string>? warn) : IDisposable
{
    /// <summary>How long a worker keeps trying to reach a server that went away before it stops.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(location.Connection.ConnectionString);

    public string Location { get; } = location.Display;

    public NpgsqlConnection Open() => Resilient(() => _source.OpenConnection());

    /// <summary>Runs <paramref name="work"/> in a transaction of its own, again after a transient failure.</summary>
    public T Write<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work) => Resilient(() =>
    {
        using var connection = _source.OpenConnection();
        using var tx = connection.BeginTransaction();
        var result = work(connection, tx);
        tx.Commit();
        return result;
    });

    public void Write(Action<NpgsqlConnection, NpgsqlTransaction> work) => Write<bool>((c, tx) => { work(c, tx); return true; });

    /// <summary>Runs a read (one or more statements, no transaction of its own), again after a transient failure.</summary>
    public T Read<T>(Func<NpgsqlConnection, T> work) => Resilient(() =>
    {
        using var connection = _source.OpenConnection();
        return work(connection);
    });

    T Resilient<T>(Func<T> work)
    {
        var started = DateTime.UtcNow;
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return work();
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow - started < GiveUpAfter)
            {
                // Said once an outage: a server that is gone for long (or a mistyped host) is not a silent wait.
                if (pause == TimeSpan.FromMilliseconds(1600))
                    warn?.Invoke($"the catalog's server cannot be reached ({e.Message}); trying again for up to {GiveUpAfter.TotalMinutes:F0} minutes");
                // Connections the pool kept from before are broken too; drop them all.
                _source.Clear();
                Thread.Sleep(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception e) when (Explain(e, Location) is { } explained)
            {
                throw explained;
            }
        }
    }

    /// <summary>The server went away or is not there yet, or the transaction lost a race it may win next time.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    /// <summary>A PostgreSQL error in the words every front end maps; null when it is none of ours.</summary>
    public static Exception? Explain(Exception e, string location) => e switch
    {
        FaceAtlasException or DiskFullException => null,
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } p => new DiskFullException(location, p),
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
            new NotFoundException($"no database for the catalog {location}: create it first (createdb), then run 'faceatlas index PATH'"),
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
            new InvalidRequestException($"the server refused the catalog {location}'s user: {p.MessageText}"),
        PostgresException { SqlState: PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted } p =>
            new DamagedCatalogException($"{StoredValues.Damage} ({location}: {p.MessageText})", p),
        NpgsqlException n => new IOException($"the catalog {location} cannot be used: {n.Message}", n),
        _ => null,
    };

    public void Dispose() => _source.Dispose();
}
