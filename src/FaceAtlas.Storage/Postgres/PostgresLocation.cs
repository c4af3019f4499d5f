using System.Text;
using FaceAtlas.Core;
using Npgsql;

namespace FaceAtlas.Storage.Postgres;

/// <summary>
/// A PostgreSQL catalog named as libpq names a database: <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?PARAM=VALUE</c>
/// (also <c>postgres://</c>; a Unix socket folder as <c>?host=/run/postgresql</c> or as a host starting with '/',
/// percent-encoded; <c>sslmode</c>, <c>port</c>, <c>user</c>, <c>password</c>, <c>dbname</c>,
/// <c>application_name</c> and <c>connect_timeout</c> as query parameters). <see cref="Display"/> is what messages
/// show: the password never appears in it.
/// </summary>
public sealed class PostgresLocation
{
    PostgresLocation(NpgsqlConnectionStringBuilder connection, string display)
    {
        Connection = connection;
        Display = display;
    }

    /// <summary>What Npgsql connects with (holds the password; never print it).</summary>
    public NpgsqlConnectionStringBuilder Connection { get; }

    /// <summary>The location without its password, for messages and the cache folder's name.</summary>
    public string Display { get; }

    public static bool IsUri(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    public static PostgresLocation Parse(string uri)
    {
        if (!IsUri(uri)) throw new InvalidRequestException("a PostgreSQL catalog is named postgresql://USER@HOST/DB");
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string query = "";
        int q = rest.IndexOf('?');
        if (q >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        string database = "";
        int slash = rest.IndexOf('/');
        if (slash >= 0) (rest, database) = (rest[..slash], Decode(rest[(slash + 1)..]));
        string? user = null, password = null;
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = rest[..at];
            rest = rest[(at + 1)..];
            int colon = credentials.IndexOf(':');
            if (colon >= 0) (user, password) = (Decode(credentials[..colon]), Decode(credentials[(colon + 1)..]));
            else user = Decode(credentials);
        }
        string host = rest;
        string? port = null;
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']');
            if (close < 0) throw Invalid(uri, password, "an IPv6 host opens '[' without closing it");
            port = close + 1 < host.Length && host[close + 1] == ':' ? host[(close + 2)..] : null;
            host = host[1..close];
        }
        else if (host.LastIndexOf(':') is var colon and >= 0)
            (host, port) = (host[..colon], host[(colon + 1)..]);
        host = Decode(host);

        var builder = new NpgsqlConnectionStringBuilder();
        string? sslmode = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            switch (key)
            {
                case "host": host = value; break;
                case "port": port = value; break;
                case "user": user = value; break;
                case "password": password = value; break;
                case "dbname": database = value; break;
                case "sslmode": sslmode = value; break;
                case "application_name": builder.ApplicationName = value; break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, out int seconds) && seconds >= 0 ? seconds : throw Invalid(uri, password, $"connect_timeout '{value}' is not a number of seconds");
                    break;
                default: throw Invalid(uri, password, $"the parameter '{key}' is not one FaceAtlas knows (host, port, user, password, dbname, sslmode, application_name, connect_timeout)");
            }
        }
        if (string.IsNullOrEmpty(database)) throw Invalid(uri, password, "it names no database (postgresql://USER@HOST/DB)");
        // libpq's default: the local server's Unix socket.
        builder.Host = string.IsNullOrEmpty(host) ? "/var/run/postgresql" : host;
        if (!string.IsNullOrEmpty(port))
            builder.Port = int.TryParse(port, out int p) && p is > 0 and < 65536 ? p : throw Invalid(uri, password, $"the port '{port}' is not a port number");
        builder.Database = database;
        builder.Username = string.IsNullOrEmpty(user) ? Environment.UserName : user;
        if (password is not null) builder.Password = password;
        if (sslmode is not null)
            builder.SslMode = sslmode switch
            {
                "disable" => SslMode.Disable, "allow" => SslMode.Allow, "prefer" => SslMode.Prefer,
                "require" => SslMode.Require, "verify-ca" => SslMode.VerifyCA, "verify-full" => SslMode.VerifyFull,
                _ => throw Invalid(uri, password, $"sslmode '{sslmode}' is none of disable, allow, prefer, require, verify-ca, verify-full"),
            };
        // A worker holds a few connections; the pool drops those a restarted server broke.
        builder.MaxPoolSize = 20;
        return new PostgresLocation(builder, Redact(uri, password));
    }

    /// <summary>The URI with its password, in the user part and as a parameter, replaced by "***".</summary>
    static string Redact(string uri, string? password)
    {
        if (password is null) return uri;
        int start = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        int end = uri.IndexOfAny(['/', '?'], start) is var e and >= 0 ? e : uri.Length;
        var authority = uri[start..end];
        int at = authority.LastIndexOf('@');
        if (at >= 0 && authority.IndexOf(':') is var colon and >= 0 && colon < at)
            authority = authority[..(colon + 1)] + "***" + authority[at..];
        var tail = uri[end..];
        int q = tail.IndexOf('?');
        if (q >= 0)
            tail = tail[..(q + 1)] + string.Join('&', tail[(q + 1)..].Split('&')
                .Select(pair => pair.StartsWith("password=", StringComparison.Ordinal) ? "password=***" : pair));
        return uri[..start] + authority + tail;
    }

    static string Decode(string s) => Uri.UnescapeDataString(s);

    static InvalidRequestException Invalid(string uri, string? password, string why) =>
        new($"the catalog {Redact(uri, password)} is not a PostgreSQL URI FaceAtlas can use: {why}");
}
