using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage;

namespace FaceAtlas.Cli;

/// <summary>The catalog a command names (<c>--catalog</c>, else the environment, else the default), through its port.</summary>
internal static class CatalogAccess
{
    /// <summary>The one place the command line turns a catalog's location into its implementation.</summary>
    public static ICatalogStore Store(ParseResult parse) => For(GlobalOptions.CatalogPath(parse));

    /// <summary>The store at <paramref name="location"/>; a server it keeps trying to reach is said on stderr.</summary>
    public static ICatalogStore For(string location) => CatalogStores.For(location, Warn);

    static void Warn(string message) => Console.Error.WriteLine($"faceatlas: {message}");

    /// <summary>The store, or null when its location cannot name one (its own failure is what the command reports).</summary>
    public static ICatalogStore? TryStore(ParseResult parse)
    {
        try
        {
            return Store(parse);
        }
        catch (FaceAtlas.Core.FaceAtlasException)
        {
            return null;
        }
    }

    /// <summary>An existing catalog; commands that only read or make small edits need no writer's lock.</summary>
    public static IFaceCatalog OpenExisting(ParseResult parse) => Store(parse).Open();
}
