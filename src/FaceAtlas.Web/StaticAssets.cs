using Microsoft.AspNetCore.Http;

namespace FaceAtlas.Web;

/// <summary>
/// The front end's files, embedded in this assembly and served by name from a fixed list: no file system path is
/// ever built from a request, so none can be walked out of.
/// </summary>
internal static class StaticAssets
{
    static readonly Dictionary<string, (string Resource, string ContentType)> Files = new()
    {
        ["/"] = ("wwwroot/index.html", "text/html; charset=utf-8"),
        ["/app.js"] = ("wwwroot/app.js", "text/javascript; charset=utf-8"),
        ["/app.css"] = ("wwwroot/app.css", "text/css; charset=utf-8"),
        // The icon the pages link to, and the one browsers and other tools ask for by this old name without looking.
        ["/favicon.svg"] = ("wwwroot/favicon.svg", "image/svg+xml"),
        ["/favicon.ico"] = ("wwwroot/favicon.ico", "image/x-icon"),
    };

    static readonly Dictionary<string, byte[]> Bytes = Files.ToDictionary(f => f.Key, f => Read(f.Value.Resource));

    static byte[] Read(string resource)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the web app's {resource} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static IResult Serve(string path) => Files.TryGetValue(path, out var file)
        ? Results.Bytes(Bytes[path], file.ContentType)
        : Results.NotFound();

    public static IEnumerable<string> Paths => Files.Keys;
}
