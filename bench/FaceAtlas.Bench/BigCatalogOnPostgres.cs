using System.Diagnostics;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Testing;

namespace FaceAtlas.Bench;

/// <summary>
/// The big catalog again on a PostgreSQL server (a private one: initdb in a temporary folder, Unix socket), as
/// workers on several machines would share it: the SQLite catalog copied there with `catalog copy`'s service, every
/// answer timed through `./faceatlas serve` on it, then a full and an incremental clustering's cost read through it.
/// </summary>
internal static class BigCatalogOnPostgres
{
    public static async Task RunAsync(string launcher, string sqlitePath, long largest, long photo, int requests)
    {
        if (PostgresServer.Binaries is null) throw new InvalidOperationException(PostgresServer.SkipReason);
        using var server = new PostgresServer();
        var location = server.NewDatabase();
        var copying = Stopwatch.StartNew();
        new CatalogCopyService(CatalogStores.For(sqlitePath), CatalogStores.For(location)).Copy();
        Console.WriteLine($"### On PostgreSQL {PostgresVersion(server)}: copied in {copying.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine();
        await BigCatalog.Endpoints(launcher, location, largest, photo, requests);

        GC.Collect();
        var store = CatalogStores.For(location);
        using var catalog = store.Open();
        var watch = Stopwatch.StartNew();
        var summary = new PeopleService(catalog).Cluster(full: false);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"incremental clustering with nothing new: {watch.Elapsed.TotalSeconds:F1} s ({summary.Faces:N0} faces read); " +
                          $"this process's peak memory {process.PeakWorkingSet64 / 1048576:N0} MB (catalog making included)");
        Console.WriteLine();
    }

    static string PostgresVersion(PostgresServer server) => server.Psql("postgres", "SHOW server_version").Trim();
}
