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
        ["FaceAtlas.Vectors"] = [],
        ["FaceAtlas.Core"] = ["FaceAtlas.Vectors"],
        ["FaceAtlas.Vision"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Storage"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Web"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Cli"] = ["FaceAtlas.Core", "FaceAtlas.Vision", "FaceAtlas.Storage", "FaceAtlas.Web"],
    };

    /// <summary>What each compiled assembly uses of ours.</summary>
    static readonly Dictionary<string, string[]> Uses = new()
    {
        ["FaceAtlas.Vectors"] = [],
        ["FaceAtlas.Core"] = ["FaceAtlas.Vectors"],
        ["FaceAtlas.Vision"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Storage"] = ["FaceAtlas.Core"],
        ["FaceAtlas.Web"] = ["FaceAtlas.Core"],
        ["faceatlas"] = ["FaceAtlas.Core", "FaceAtlas.Storage", "FaceAtlas.Web", "FaceAtlas.Vision"],
    };

    /// <summary>
    /// The namespaces of Core an assembly may use, where it may not use all: Vision sees the face records and the
    /// ports it implements, never the catalog, people or the application services.
    /// </summary>
    static readonly Dictionary<string, string[]> CoreNamespaces = new()
    {
        ["FaceAtlas.Vision"] = ["FaceAtlas.Core.Faces", "FaceAtlas.Core.Thumbnails"],
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

    [Fact]
    public void Should_UseOnlyTheNamespacesOfCoreItsLayerNeeds()
    {
        var folder = Path.GetDirectoryName(Cli.Program)!;
        foreach (var (assembly, allowed) in CoreNamespaces)
        {
            var used = NamespacesUsedFrom(Path.Combine(folder, assembly + ".dll"), "FaceAtlas.Core");
            Assert.NotEmpty(used); // the check reads what it means to
            var beyond = used.Except(allowed).ToList();
            Assert.True(beyond.Count == 0, $"{assembly} uses {string.Join(", ", beyond)} of FaceAtlas.Core; allowed: {string.Join(", ", allowed)}");
        }
    }

    /// <summary>The namespaces of the types a compiled assembly uses from <paramref name="from"/>, read from its metadata.</summary>
    static HashSet<string> NamespacesUsedFrom(string path, string from)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            var scope = type.ResolutionScope;
            while (scope.Kind == HandleKind.TypeReference) // a nested type: its namespace is its outermost type's
            {
                type = metadata.GetTypeReference((TypeReferenceHandle)scope);
                scope = type.ResolutionScope;
            }
            if (scope.Kind == HandleKind.AssemblyReference
                && metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) == from)
                namespaces.Add(metadata.GetString(type.Namespace));
        }
        return namespaces;
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
