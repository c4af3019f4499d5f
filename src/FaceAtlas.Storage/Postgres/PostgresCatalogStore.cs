using System.Collections.Concurrent;
using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// A catalog in a PostgreSQL database: any number of indexes (workers) write to it at once and share the work;
/// the search index and thumbnails are this machine's caches, under <see cref="LocalFiles"/>.
/// </summary>
public sealed class PostgresCatalogStore : ICatalogStore
{
    /// <summary>How long a claim on photos lasts unless its worker finishes them (<c>FACEATLAS_LEASE_SECONDS</c>).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(120);

    /// <summary>A worker not heard from for this long is not shown as running.</summary>
    static readonly TimeSpan WorkerSilence = TimeSpan.FromSeconds(30);

    /// <summary>One pool of connections per catalog per process, however many times it is opened.</summary>
    static readonly ConcurrentDictionary<string, PostgresConnections> Pools = new();

    readonly PostgresLocation _location;
    readonly PathMap _paths;
    readonly Action<string>? _warn;

    /// <param name="warn">Told when the server cannot be reached and the store keeps trying (for the person waiting).</param>
    public PostgresCatalogStore(string uri, PathMap? paths = null, Action<string>? warn = null)
    {
        _location = PostgresLocation.Parse(uri);
        _paths = paths ?? PathMap.FromEnvironment();
        _warn = warn;
    }

    public string Location => _location.Display;

    /// <summary>$XDG_CACHE_HOME/faceatlas/HOST-PORT-DB/catalog (…catalog.search, …catalog.thumbs/).</summary>
    public string LocalFiles
    {
        get
        {
            var b = _location.Connection;
            var name = string.Concat($"{b.Host}-{b.Port}-{b.Database}".Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_')).Trim('_');
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrWhiteSpace(cache) || !Path.IsPathRooted(cache))
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            var folder = Path.Combine(cache, "faceatlas", name);
            Directory.CreateDirectory(folder);
            return Path.Combine(folder, "catalog");
        }
    }

    PostgresConnections Connections => Pools.GetOrAdd(_location.Connection.ConnectionString, _ => new PostgresConnections(_location, _warn));

    /// <summary>Whether the database holds a catalog is the server's to say; not asked for this hint.</summary>
    public bool IsNew => false;

    public IFaceCatalog Open() => OpenCatalog(create: false);

    /// <summary>Set once the schema was found current: the web app opens the catalog for every request.</summary>
    volatile bool _schemaChecked;

    PostgresCatalog OpenCatalog(bool create)
    {
        var db = Connections;
        if (_schemaChecked) return new PostgresCatalog(db, _paths);
        db.Read(c =>
        {
            if (create) PostgresSchema.Apply(c, Location);
            else if (PostgresCatalog.Scalar<long>(c, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'meta'") == 0)
                throw new NotFoundException($"no catalog in {Location} yet; run 'faceatlas index PATH --catalog {Location}' first");
            else PostgresSchema.Apply(c, Location); // checks the version
            return true;
        });
        _schemaChecked = true;
        return new PostgresCatalog(db, _paths);
    }

    public ICatalogWriter OpenForWriting(bool create = true)
    {
        var catalog = OpenCatalog(create);
        var db = Connections;
        long worker = db.Write((c, tx) =>
        {
            using var cmd = PostgresCatalog.Command(c, "INSERT INTO workers(host, pid) VALUES (@host, @pid) RETURNING id",
                ("host", Environment.MachineName), ("pid", (long)Environment.ProcessId));
            cmd.Transaction = tx;
            return (long)cmd.ExecuteScalar()!;
        });
        return new Writer(catalog, db, worker, new PostgresSharedWork(db, _paths, worker, Lease()));
    }

    static TimeSpan Lease() =>
        int.TryParse(Environment.GetEnvironmentVariable("FACEATLAS_LEASE_SECONDS"), out int seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : DefaultLease;

    public RunningIndex? RunningIndex()
    {
        var workers = Connections.Read(c =>
        {
            using var cmd = PostgresCatalog.Command(c, """
                SELECT host, pid, started_at, seen_at, photos_done, photos_total, faces_found, analysed, busy_seconds
                FROM workers WHERE NOT finished AND seen_at > now() - @silence ORDER BY id
                """, ("silence", WorkerSilence));
            using var r = cmd.ExecuteReader();
            var list = new List<IndexWorker>();
            while (r.Read())
            {
                var started = r.GetFieldValue<DateTimeOffset>(2);
                var seen = r.GetFieldValue<DateTimeOffset>(3);
                double seconds = r.GetDouble(8);
                list.Add(new IndexWorker(r.GetString(0), (int)r.GetInt64(1), started, seen,
                    new IndexingProgress((int)r.GetInt64(4), (int)r.GetInt64(5), (int)r.GetInt64(6)), seconds > 0 ? r.GetInt64(7) / seconds : 0));
            }
            return list;
        });
        if (workers.Count == 0) return null;
        // A worker that has not said how far it is yet was last seen when it started.
        var told = workers.Where(w => w.LastSeen > w.Started).ToList();
        if (told.Count == 0) return new RunningIndex(null) { Workers = workers };
        return new RunningIndex(new IndexingProgress(told.Sum(w => w.Progress.PhotosDone), told.Max(w => w.Progress.PhotosTotal),
            told.Sum(w => w.Progress.FacesFound))) { Workers = workers };
    }

    public long SizeBytes() => Connections.Read(c => PostgresCatalog.Scalar<long>(c, "SELECT pg_database_size(current_database())"));

    public Exception? Explain(Exception error) => PostgresConnections.Explain(error, Location);

    sealed class Writer(PostgresCatalog catalog, PostgresConnections db, long worker, ISharedWork work) : ICatalogWriter
    {
        public IFaceCatalog Catalog => catalog;

        public ISharedWork? SharedWork => work;

        public CopiedTables WriteAll(IEnumerable<CatalogRows> tables) => catalog.WriteAll(tables);

        public void Publish(IndexProgress progress)
        {
            try
            {
                db.Write((c, tx) =>
                {
                    using var cmd = PostgresCatalog.Command(c, """
                        UPDATE workers SET seen_at = now(), photos_done = @done, photos_total = @total, faces_found = @faces,
                            analysed = @done - @failed, busy_seconds = @seconds WHERE id = @id
                        """, ("seconds", progress.Elapsed.TotalSeconds), ("done", (long)progress.PhotosDone), ("total", (long)progress.PhotosTotal), ("faces", (long)progress.FacesFound),
                        ("failed", (long)progress.Failed), ("id", worker));
                    cmd.Transaction = tx;
                    cmd.ExecuteNonQuery();
                });
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                // Progress for others is a courtesy; indexing goes on without it.
            }
        }

        /// <summary>
        /// Says the worker is done, and lets go of the claims it did not finish (a stopped worker's photos go to the
        /// next one at once instead of when their leases run out).
        /// </summary>
        public void Dispose()
        {
            try
            {
                db.Write((c, tx) =>
                {
                    using var cmd = PostgresCatalog.Command(c, """
                        UPDATE workers SET finished = true, seen_at = now() WHERE id = @id;
                        UPDATE pending_photos SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = @id;
                        """, ("id", worker));
                    cmd.Transaction = tx;
                    cmd.ExecuteNonQuery();
                });
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                // A worker the server cannot hear from is shown as gone once it falls silent.
            }
        }
    }
}
