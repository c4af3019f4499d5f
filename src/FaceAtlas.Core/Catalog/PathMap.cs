namespace FaceAtlas.Core.Catalog;

/// <summary>
/// Named collection roots, so that one share mounted at different paths on different machines (<c>/mnt/nas/photos</c>
/// here, <c>/data/photos</c> there) is one collection: each machine maps a root's name to where it sees it, and a
/// shared catalog keeps a photo under the root's name (<c>photos:/2019/a.jpg</c>) and gives it back as this
/// machine's path. Paths under no mapped root are kept as they are. Read from <c>FACEATLAS_ROOTS</c>:
/// <c>NAME=PATH</c> pairs separated by ';' (<c>photos=/mnt/nas/photos;scans=/srv/scans</c>).
/// </summary>
public sealed class PathMap
{
    public const string EnvironmentVariable = "FACEATLAS_ROOTS";

    /// <summary>Longest local path first, so a root inside another maps to its own name.</summary>
    readonly (string Name, string Local)[] _roots;

    PathMap((string Name, string Local)[] roots) => _roots = roots;

    public static PathMap None { get; } = new([]);

    public static PathMap FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static PathMap Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return None;
        var roots = new List<(string, string)>();
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = entry.IndexOf('=');
            var name = eq > 0 ? entry[..eq].Trim() : "";
            var local = eq > 0 ? entry[(eq + 1)..].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                throw new InvalidRequestException($"{EnvironmentVariable}: '{entry}' is not NAME=PATH with a name of letters, digits, '_', '-' or '.'");
            if (!Path.IsPathRooted(local))
                throw new InvalidRequestException($"{EnvironmentVariable}: the root '{name}' must be an absolute path, not '{local}'");
            if (roots.Any(r => r.Item1 == name))
                throw new InvalidRequestException($"{EnvironmentVariable}: the root '{name}' is named twice");
            roots.Add((name, Path.TrimEndingDirectorySeparator(Path.GetFullPath(local))));
        }
        return new PathMap(roots.OrderByDescending(r => r.Item2.Length).ToArray());
    }

    /// <summary>How the shared catalog keeps this machine's <paramref name="path"/>.</summary>
    public string ToCatalog(string path)
    {
        foreach (var (name, local) in _roots)
            if (path == local || (path.StartsWith(local, StringComparison.Ordinal) && path[local.Length] == '/'))
                return name + ":" + path[local.Length..];
        return path;
    }

    /// <summary>This machine's path for a path the shared catalog keeps; one under a root not mapped here stays as kept.</summary>
    public string ToLocal(string stored)
    {
        if (stored.StartsWith('/')) return stored;
        int colon = stored.IndexOf(':');
        if (colon <= 0) return stored;
        var name = stored[..colon];
        foreach (var (n, local) in _roots)
            if (n == name) return local + stored[(colon + 1)..];
        return stored;
    }
}
