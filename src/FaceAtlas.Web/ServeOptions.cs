using System.Net;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Thumbnails;

namespace FaceAtlas.Web;

/// <summary>
/// Where the web app listens and on which catalog. A non-loopback address is reachable by others on the network,
/// so it always comes with a <see cref="Token"/> that every request must carry. The vision side comes from whoever
/// starts the app: <see cref="NewAnalyzer"/> (called once, at the first query photo or drawn face) and
/// <see cref="Pictures"/>.
/// </summary>
public sealed record ServeOptions(ICatalogStore Catalog, IPAddress Bind, int Port, string? Token)
{
    public required Func<IFaceAnalyzer> NewAnalyzer { get; init; }
    public required IPictureRenderer Pictures { get; init; }

    /// <summary>
    /// Whether the app makes, at its start and in the background, what the review and the suggestions read (people's
    /// average faces: seconds at a million faces), so that their first page does not wait for it.
    /// </summary>
    public bool Prepare { get; init; }

    /// <summary>Largest query photo accepted by the search upload.</summary>
    public long MaxUploadBytes { get; init; } = 20 * 1024 * 1024;

    public static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>Options for <paramref name="bind"/>: a token exactly when the address is not loopback.</summary>
    public static ServeOptions For(ICatalogStore catalog, IPAddress bind, int port, Func<IFaceAnalyzer> newAnalyzer, IPictureRenderer pictures) =>
        new(catalog, bind, port, IPAddress.IsLoopback(bind) ? null : NewToken()) { NewAnalyzer = newAnalyzer, Pictures = pictures };
}
