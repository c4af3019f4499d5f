using System.Diagnostics;

namespace FaceAtlas.Testing;

/// <summary>
/// A private PostgreSQL server for tests, from Debian's binaries: made with initdb in a temporary folder, run by an
/// unprivileged user (the tests' own, or, under root, the <c>postgres</c> or <c>nobody</c> account), reached over a
/// Unix socket in that folder only (no TCP), fsync off; stopped and deleted when disposed. Never the system's cluster.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    readonly Lazy<string> _folder;
    int _databases;

    public PostgresServer() => _folder = new Lazy<string>(Start);

    /// <summary>The folder of initdb and pg_ctl (the newest installed), or null where PostgreSQL is not installed.</summary>
    public static string? Binaries { get; } = FindBinaries();

    public static string SkipReason =>
        "PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql; looked in /usr/lib/postgresql/*/bin)";

    /// <summary>The folder holding the server's data and its socket.</summary>
    public string Folder => _folder.Value;

    /// <summary>The user the server runs as, when the tests run as root.</summary>
    static string? RunAs => Environment.UserName == "root" ? (UserExists("postgres") ? "postgres" : "nobody") : null;

    /// <summary>A URI for <paramref name="database"/> on this server, as a user would write it.</summary>
    public string Uri(string database) => $"postgresql://faceatlas@/{database}?host={System.Uri.EscapeDataString(Folder)}";

    /// <summary>A new empty database; returns its URI.</summary>
    public string NewDatabase()
    {
        var name = $"catalog{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..24];
        Psql("postgres", $"CREATE DATABASE {name}");
        return Uri(name);
    }

    /// <summary>Runs SQL through psql (the server's own client), as the tests' administrator.</summary>
    public string Psql(string database, string sql) =>
        Run(Path.Combine(Binaries!, "psql"), "-X", "-q", "-t", "-A", "-h", Folder, "-U", "faceatlas", "-d", database, "-c", sql);

    /// <summary>Stops the server (fast: open sessions are cut) and starts it again, as an administrator's restart does.</summary>
    public void Restart() => PgCtl("restart", "-m", "fast");

    public void Stop() => PgCtl("stop", "-m", "immediate");

    public void StartAgain() => PgCtl("start");

    string Start()
    {
        if (Binaries is null) throw new InvalidOperationException(SkipReason);
        var folder = Directory.CreateTempSubdirectory("faceatlas-pg-").FullName;
        if (RunAs is { } user) Run("chown", user, folder);
        Run(Path.Combine(Binaries, "initdb"), ["-D", Path.Combine(folder, "data"), "-U", "faceatlas", "-A", "trust", "--no-sync",
            "-E", "UTF8", "--locale=C"], asServer: true);
        _started = folder;
        PgCtl("start");
        return folder;
    }

    string? _started;

    void PgCtl(string action, params string[] more)
    {
        var folder = _started ?? Folder;
        string[] args = ["-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
            "-o", $"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            action, .. more];
        Run(Path.Combine(Binaries!, "pg_ctl"), args, asServer: true);
    }

    static string Run(string program, params string[] args) => Run(program, args, asServer: false);

    static string Run(string program, string[] args, bool asServer)
    {
        var start = asServer && RunAs is { } user
            ? new ProcessStartInfo("runuser", ["-u", user, "--", program, .. args])
            : new ProcessStartInfo(program, args);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.WorkingDirectory = "/";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {errors.Result}{output.Result}");
        return output.Result.Trim();
    }

    static bool UserExists(string name) => File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")) && File.Exists(Path.Combine(b, "psql")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    public void Dispose()
    {
        if (!_folder.IsValueCreated) return;
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // Stopped already (a test stopped it); the folder goes all the same.
        }
        Directory.Delete(_folder.Value, recursive: true);
        DeleteLocalFiles(_folder.Value);
    }

    /// <summary>
    /// The files FaceAtlas kept on this machine for the server's catalogs (search index, thumbnails: 100 MB and more
    /// each), named by the server's socket folder (PostgresCatalogStore.LocalFiles): gone with the server, not left in
    /// the user's cache run after run.
    /// </summary>
    static void DeleteLocalFiles(string folder)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache) || !Path.IsPathRooted(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var kept = Path.Combine(cache, "faceatlas");
        if (!Directory.Exists(kept)) return;
        var server = string.Concat(folder.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_')).Trim('_') + "-";
        foreach (var files in Directory.EnumerateDirectories(kept, server + "*"))
            Directory.Delete(files, recursive: true);
    }
}
