using System.CommandLine;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage;

namespace FaceAtlas.Cli;

/// <summary>The catalog a command names (<c>--catalog</c>, else the environment, else the default), through its port.</summary>
internal static class CatalogAccess
{
    /// <summary>The one place the command line turns a catalog's location into its implementation.</summary>
    public static ICatalogStore Store(ParseResult parse) => CatalogStores.For(GlobalOptions.CatalogPath(parse));

    /// <summary>An existing catalog; commands that only read or make small edits need no writer's lock.</summary>
    public static IFaceCatalog OpenExisting(ParseResult parse) => Store(parse).Open();
}
