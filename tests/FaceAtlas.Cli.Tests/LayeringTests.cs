using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// docs/ARCHITECTURE.md's dependency graph, checked: each project references the projects its table allows and no
/// others, and each compiled assembly uses no project of ours beyond them (a type reached through another
/// project's reference counts too).
/// </summary>
public sealed class LayeringTests
{
    /// <summary>The table of docs/ARCHITECTURE.md: what each project may reference directly.</summary>
    static readonly Dictionary<string, string[]> References = new()
    {
        ["FaceAtlas.Vision"] = [],
        ["FaceAtlas.Vectors"] = [],
        ["FaceAtlas.Core"] = ["FaceAtlas.Vision", "FaceAtlas.Vectors"],
        ["FaceAtlas.Storage"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Web"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Cli"] = ["FaceAtlas.Core", "FaceAtlas.Storage", "FaceAtlas.Web"],
    };

    /// <summary>
    /// What each compiled assembly uses of ours. Storage and Web still use Vision's types through Core's ports (a
    /// face's box, points and attributes; the analyser); the layering issue's next step takes those away.
    /// </summary>
    static readonly Dictionary<string, string[]> Uses = new()
    {
        ["FaceAtlas.Vision"] = [],
        ["FaceAtlas.Vectors"] = [],
        ["FaceAtlas.Core"] = ["FaceAtlas.Vision", "FaceAtlas.Vectors"],
        ["FaceAtlas.Storage"] = ["FaceAtlas.Core", "FaceAtlas.Vision"],
        ["FaceAtlas.Web"] = ["FaceAtlas.Core", "FaceAtlas.Vision"],
        ["faceatlas"] = ["FaceAtlas.Core", "FaceAtlas.Storage", "FaceAtlas.Web", "FaceAtlas.Vision"],
    };

    [Fact]
    public void Should_ReferenceOnlyWhatTheArchitectureAllows()
    {
        foreach (var (project, allowed) in References)
        {
            var file = Path.Combine(Datasets.RepositoryRoot, "src", project, project + ".csproj");
            var referenced = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order().ToList();
            Assert.True(allowed.Order().SequenceEqual(referenced), $"{project} references {string.Join(", ", referenced)}; the architecture allows {string.Join(", ", allowed)}");
        }
    }

    [Fact]
    public void Should_UseNoProjectOfOursBeyondItsLayer()
    {
        var folder = Path.GetDirectoryName(Cli.Program)!;
        foreach (var (assembly, allowed) in Uses)
        {
            var used = ReferencedAssemblies(Path.Combine(folder, assembly + ".dll"))
                .Where(n => n.StartsWith("FaceAtlas.", StringComparison.Ordinal)).Order().ToList();
            Assert.True(allowed.Order().SequenceEqual(used), $"{assembly} uses {string.Join(", ", used)}; allowed: {string.Join(", ", allowed)}");
        }
    }

    /// <summary>The assemblies a compiled one references, read from its metadata without loading it.</summary>
    static List<string> ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
    }
}
