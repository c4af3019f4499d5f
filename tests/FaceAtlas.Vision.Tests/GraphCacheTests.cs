using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;

namespace FaceAtlas.Vision.Tests;

/// <summary>
/// Graphs kept by <see cref="GraphCache"/> must give exactly what a graph optimised afresh gives, and never a graph
/// other than the one asked for.
/// </summary>
public sealed class GraphCacheTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("faceatlas-graphs-").FullName;
    readonly string _models = Directory.CreateTempSubdirectory("faceatlas-models-").FullName;
    static readonly int[] LandmarkInput = [1, 1, 64, 64];

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_models, recursive: true);
    }

    static string Landmarks => Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Landmarks);

    static float[] Input()
    {
        var random = new Random(25);
        return Enumerable.Range(0, 64 * 64).Select(_ => random.NextSingle()).ToArray();
    }

    /// <summary>
    /// The landmark network's output for a fixed input, the model at <paramref name="path"/> changed by
    /// <paramref name="edit"/>, through a session of <paramref name="sessions"/>.
    /// </summary>
    static float[] Run(string path, ModelSessions sessions, ModelEdit? edit = null)
    {
        using var network = new OnnxModel(path, edit, sessions, "input", LandmarkInput, ("output", [1, 136]));
        using var outputs = network.Run(Input());
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The model with every bias (a float initializer of one dimension) raised by a half.</summary>
    static byte[] WithBiasesRaised(byte[] model)
    {
        var top = OnnxGraphEditor.Parse(model);
        var graph = OnnxGraphEditor.Parse(top.Single(f => f.Number == 7).Bytes);
        var changed = graph.Select(f => f.Number == 5 && OnnxGraphEditor.ReadFloatTensor(f.Bytes) is { Dims.Length: 1 } bias
            ? OnnxGraphEditor.InitializerField(bias with { Values = bias.Values.Select(v => v + 0.5f).ToArray() })
            : f).ToList();
        return OnnxGraphEditor.WithGraph(top, changed);
    }

    string[] Entries() => Directory.GetDirectories(_folder).Select(Path.GetFileName).ToArray()!;

    /// <summary>A folder in the cache as another run left it, last opened <paramref name="age"/> ago.</summary>
    string Made(string name, TimeSpan age)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        File.WriteAllText(Path.Combine(folder, GraphCache.GraphFile), "");
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
        return name;
    }

    [DatasetFact]
    public void Should_FindTheSameFaces_When_EveryModelComesFromTheCache()
    {
        // Given: photos with faces large and small, read by models optimised afresh
        var photos = new[]
        {
            Datasets.At("group-photos", "dlib_voc_2007_007763.jpg"), Datasets.At("group-photos", "deepface_couple.jpg"),
            Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"),
        }.Select(File.ReadAllBytes).ToList();
        List<PhotoAnalysis> Analyze(ModelSessions sessions)
        {
            using var analyzer = new FaceAnalyzer(sessions: sessions);
            return photos.Select(p => analyzer.Analyze(p)).ToList();
        }
        var afresh = Analyze(ModelSessions.Uncached);

        // When: once to keep the graphs, once from them
        var keeping = new GraphCache(_folder);
        var whileKeeping = Analyze(new ModelSessions(1, keeping));
        var reading = new GraphCache(_folder);
        var fromKept = Analyze(new ModelSessions(1, reading));

        // Then: the five graphs were kept, then all opened as kept, and every number of every face is the same
        Assert.Equal((0, 5), keeping.Counts);
        Assert.Equal((5, 0), reading.Counts);
        Assert.Equal(5, Entries().Length);
        Assert.True(afresh.Sum(a => a.Faces.Count) >= 10);
        foreach (var other in new[] { whileKeeping, fromKept })
            for (int i = 0; i < photos.Count; i++)
            {
                Assert.Equal(afresh[i].Faces.Count, other[i].Faces.Count);
                foreach (var (a, b) in afresh[i].Faces.Zip(other[i].Faces))
                {
                    Assert.Equal(a.Box, b.Box);
                    Assert.Equal(a.Score, b.Score);
                    Assert.Equal(a.Points, b.Points);
                    Assert.Equal(a.Embedding, b.Embedding);
                    Assert.Equal(a.Attributes, b.Attributes);
                }
            }
    }

    [Fact]
    public void Should_KeepANewGraph_When_TheModelFileChanges()
    {
        // Given: a model file kept, then replaced by the same model with its biases changed
        var path = Path.Combine(_models, ModelCatalog.Landmarks);
        File.Copy(Landmarks, path);
        var cache = new GraphCache(_folder);
        var originalOutput = Run(path, new ModelSessions(1, cache));
        File.WriteAllBytes(path, WithBiasesRaised(File.ReadAllBytes(Landmarks)));

        // When
        var changedKept = Run(path, new ModelSessions(1, cache));
        var changedFromKept = Run(path, new ModelSessions(1, new GraphCache(_folder)));

        // Then: a second entry, whose graph is the changed one, not the first
        Assert.Equal(2, Entries().Length);
        Assert.Equal((0, 2), cache.Counts);
        var changedAfresh = Run(path, ModelSessions.Uncached);
        Assert.NotEqual(originalOutput, changedAfresh);
        Assert.Equal(changedAfresh, changedKept);
        Assert.Equal(changedAfresh, changedFromKept);
        Assert.Equal(Run(Landmarks, ModelSessions.Uncached), originalOutput);
    }

    [Fact]
    public void Should_KeepANewGraph_When_TheEditChanges()
    {
        // Given: the model kept as shipped
        var cache = new GraphCache(_folder);
        var shipped = Run(Landmarks, new ModelSessions(1, cache));
        var raise = new ModelEdit("raise-biases", WithBiasesRaised);

        // When: the same file with an edit
        var edited = Run(Landmarks, new ModelSessions(1, cache), raise);
        var editedFromKept = Run(Landmarks, new ModelSessions(1, new GraphCache(_folder)), raise);

        // Then: the edited graph, kept apart from the shipped one
        Assert.Equal(2, Entries().Length);
        var editedAfresh = Run(Landmarks, ModelSessions.Uncached, raise);
        Assert.NotEqual(shipped, editedAfresh);
        Assert.Equal(editedAfresh, edited);
        Assert.Equal(editedAfresh, editedFromKept);
    }

    [Theory]
    [InlineData(GraphCache.GraphFile)]
    [InlineData(GraphCache.WeightsFile)]
    public void Should_MakeTheEntryAgain_When_AFileOfItIsDamaged(string file)
    {
        // Given: a kept graph, one of whose two files is then cut to its first hundred bytes
        var model = Landmarks;
        Run(model, new ModelSessions(1, new GraphCache(_folder)));
        var damaged = Path.Combine(_folder, Entries().Single(), file);
        File.WriteAllBytes(damaged, File.ReadAllBytes(damaged)[..100]);

        // When
        var cache = new GraphCache(_folder);
        var output = Run(model, new ModelSessions(1, cache));

        // Then: the damaged entry was not used but made again, and opens afterwards
        Assert.Equal((0, 1), cache.Counts);
        Assert.Equal(Run(model, ModelSessions.Uncached), output);
        var again = new GraphCache(_folder);
        Assert.Equal(output, Run(model, new ModelSessions(1, again)));
        Assert.Equal((1, 0), again.Counts);
    }

    [Fact]
    public void Should_OpenTheModelWithoutKeepingIt_When_TheFolderCannotBeMade()
    {
        // Given: a cache whose folder would have to be made inside a file
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "");
        var cache = new GraphCache(Path.Combine(file, "graphs"));

        // When
        var output = Run(Landmarks, new ModelSessions(1, cache));

        // Then
        Assert.Equal(Run(Landmarks, ModelSessions.Uncached), output);
        Assert.Equal((0, 0), cache.Counts);
    }

    [Fact]
    public void Should_RemoveEntriesNobodyOpenedForAMonth_When_KeepingANewOne()
    {
        // Given: an entry last opened 31 days ago, one opened yesterday, and a scratch folder a stopped process left
        Made("fr_old-0000", TimeSpan.FromDays(31));
        var recent = Made("fr_recent-0000", TimeSpan.FromDays(1));
        Made("fr_stopped-0000.1234.partial", TimeSpan.FromDays(40));

        // When
        Run(Landmarks, new ModelSessions(1, new GraphCache(_folder)));

        // Then
        var left = Entries();
        Assert.Equal(2, left.Length);
        Assert.Contains(recent, left);
        Assert.Contains(left, e => e.StartsWith("fr_landmark-", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_KeepTheLastThreeOfAModel_When_KeepingANewOne()
    {
        // Given: three older entries of the landmark model (other builds of the program), one of another model, and
        // a scratch folder being written right now
        Made("fr_landmark-0001", TimeSpan.FromHours(3));
        Made("fr_landmark-0002", TimeSpan.FromHours(2));
        Made("fr_landmark-0003", TimeSpan.FromHours(1));
        Made("fr_age-0001", TimeSpan.FromHours(5));
        Made("fr_landmark-0004.abc.partial", TimeSpan.Zero);

        // When
        Run(Landmarks, new ModelSessions(1, new GraphCache(_folder)));

        // Then: the oldest landmark entry went; the new one, the two after the oldest, the other model and the
        // scratch folder stayed
        var left = Entries().Order().ToList();
        Assert.Equal(5, left.Count);
        Assert.DoesNotContain("fr_landmark-0001", left);
        Assert.Contains("fr_landmark-0002", left);
        Assert.Contains("fr_landmark-0003", left);
        Assert.Contains("fr_age-0001", left);
        Assert.Contains("fr_landmark-0004.abc.partial", left);
    }

    [Fact]
    public void Should_KeepOneEntry_When_SeveralOpenTheSameModelAtOnce()
    {
        // Given
        var model = Landmarks;
        var expected = Run(model, ModelSessions.Uncached);

        // When: four sessions made side by side, each with its own cache object on the same folder
        var outputs = new float[4][];
        Parallel.For(0, 4, i => outputs[i] = Run(model, new ModelSessions(1, new GraphCache(_folder))));

        // Then: every one right, one entry, no scratch folder left
        Assert.All(outputs, o => Assert.Equal(expected, o));
        Assert.Single(Entries());
    }

    [Fact]
    public void Should_FindTheFolder_When_TheEnvironmentNamesOne()
    {
        // Given
        static Func<string, string?> With(params (string Name, string Value)[] set) =>
            name => set.FirstOrDefault(v => v.Name == name).Value;

        // When / Then: FACEATLAS_CACHE first, then XDG_CACHE_HOME, then the home folder; "off" means none
        Assert.Equal("/data/c/graphs", GraphCache.FromEnvironment(With(("FACEATLAS_CACHE", "/data/c"), ("XDG_CACHE_HOME", "/x")), "/home/u")!.Folder);
        Assert.Equal("/x/faceatlas/graphs", GraphCache.FromEnvironment(With(("XDG_CACHE_HOME", "/x")), "/home/u")!.Folder);
        Assert.Equal("/home/u/.cache/faceatlas/graphs", GraphCache.FromEnvironment(With(), "/home/u")!.Folder);
        Assert.Null(GraphCache.FromEnvironment(With(("FACEATLAS_CACHE", "off")), "/home/u"));
        Assert.Null(GraphCache.FromEnvironment(With(), null));
    }
}
