using System.CommandLine;

namespace FaceAtlas.Cli;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Catalog = PathArguments.NotEmpty(new Option<string?>("--catalog")
    {
        Description = $"The catalog: a file, or a PostgreSQL URI postgresql://USER@HOST/DB (default: ${CatalogLocation.EnvironmentVariable}, else ~/.local/share/faceatlas/catalog.db)",
        HelpName = "FILE|URI",
        Recursive = true,
    });

    public static string CatalogPath(ParseResult parse) => CatalogLocation.Resolve(parse.GetValue(Catalog));
}
