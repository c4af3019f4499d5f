namespace FaceAtlas.Bench;

internal static class BenchPaths
{
    public static string RepositoryRoot { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceAtlas.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
