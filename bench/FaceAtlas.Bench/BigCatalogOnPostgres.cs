using System.Diagnostics;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Testing;

namespace FaceAtlas.Bench;

/// <summary>
/// The big catalog again on a PostgreSQL server (a private one: initdb in a temporary folder, Unix socket), as
/// workers on several machines would share it: the SQLite catalog copied there with `catalog copy`'s service, every
/// answer timed through `./faceatlas serve` on it, then new faces clustered against their neighbourhood by `./faceatlas
/// cluster` on it.
/// </summary>
internal static class BigCatalogOnPostgres
{
    /// <summary><paramref name="placed"/>: where the SQLite catalog's exact neighbourhood put the new faces.</summary>
    public static async Task RunAsync(string launcher, string sqlitePath, long largest, long photo, int requests, bool endpoints, List<string> placed,
        bool incremental = true, bool pages = false, bool restarts = false)
    {
        if (PostgresServer.Binaries is null) throw new InvalidOperationException(PostgresServer.SkipReason);
        using var server = new PostgresServer();
        var location = server.NewDatabase();
        var copying = Stopwatch.StartNew();
        new CatalogCopyService(CatalogStores.For(sqlitePath), CatalogStores.For(location)).Copy();
        Console.WriteLine($"### On PostgreSQL {PostgresVersion(server)}: copied in {copying.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine();
        var localFiles = Path.GetDirectoryName(CatalogStores.For(location).LocalFiles)!;
        try
        {
            if (restarts)
            {
                await BigCatalogRestarts.RunAsync(launcher, location);
                return;
            }
            if (endpoints)
            {
                await BigCatalog.Endpoints(launcher, location, largest, photo, requests, "first start on PostgreSQL");
                await BigCatalog.Endpoints(launcher, location, largest, photo, requests, "started again on PostgreSQL (people's averages and suggestions saved by the first)");
            }
            if (pages) await BigCatalogPages.RunAsync(launcher, location, largest);
            if (!incremental) return;
            await BigCatalog.IndexedThenClustered(launcher, location);
            Console.WriteLine();
            BigCatalog.Agreement("neighbourhood on PostgreSQL, through the search index", BigCatalog.NewFacePlaces(location), placed);
            Console.WriteLine();
        }
        finally
        {
            // This machine's files of a database that goes with the server: saved averages and suggestions, the search
            // index, thumbnails.
            if (Directory.Exists(localFiles)) Directory.Delete(localFiles, recursive: true);
        }
    }

    static string PostgresVersion(PostgresServer server) => server.Psql("postgres", "SHOW server_version").Trim();
}
