using Xunit;

namespace FaceAtlas.Testing;

/// <summary>
/// The shared, read-only test photos at <c>../shared/datasets</c> from the repository root. Tests read them in
/// place (never copied into the repository) and are skipped, with a message saying so, where they are absent.
/// </summary>
public static class Datasets
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "datasets"));

    public static bool Present => Directory.Exists(Root);

    public static string SkipReason => $"test photos not found at {Root} (../shared/datasets from the repository root)";

    public static string At(params string[] parts) => Path.Combine([Root, .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceAtlas.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"repository root (FaceAtlas.slnx) not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact that needs the shared photos: skipped with a clear message where they are absent.</summary>
public sealed class DatasetFactAttribute : FactAttribute
{
    public DatasetFactAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
    }

    /// <summary>A folder the test also needs (such as a tmpfs); skipped, naming it, where it is absent.</summary>
    public string? NeedsFolder
    {
        get => null;
        init
        {
            if (Skip is null && value is not null && !Directory.Exists(value)) Skip = $"{value} does not exist on this machine";
        }
    }
}

/// <summary>A theory that needs the shared photos.</summary>
public sealed class DatasetTheoryAttribute : TheoryAttribute
{
    public DatasetTheoryAttribute()
    {
        if (!Datasets.Present) Skip = Datasets.SkipReason;
    }
}

/// <summary>A folder under the system temp folder, removed with everything in it at dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "faceatlas-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A folder of that name inside this one, made if it is not there.</summary>
    public string Folder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
