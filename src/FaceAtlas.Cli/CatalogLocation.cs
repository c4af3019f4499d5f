namespace FaceAtlas.Cli;

/// <summary>
/// Where the catalog is: --catalog, else $FACEATLAS_CATALOG, else the user's data folder (XDG on Linux). A file's
/// path is made absolute; a PostgreSQL URI (postgresql://...) is kept as it is.
/// </summary>
public static class CatalogLocation
{
    public const string EnvironmentVariable = "FACEATLAS_CATALOG";

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Absolute(option);
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Absolute(fromEnv);
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome) || !Path.IsPathRooted(dataHome))
            dataHome = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(dataHome, "faceatlas", "catalog.db");
    }

    static string Absolute(string location) => FaceAtlas.Storage.CatalogStores.IsServer(location) ? location : Path.GetFullPath(location);
}
