using FaceAtlas.Vision;

namespace FaceAtlas.Vision.Tests;

/// <summary>The analyzer checks its model files at once and loads the networks only when a photo needs them.</summary>
public sealed class AnalyzerLoadingTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("faceatlas-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    void CopyModelsExcept(string? left)
    {
        foreach (var file in AnalyzerModels.Files.Where(f => f != left))
            File.Copy(Path.Combine(ModelCatalog.FindDirectory(), file), Path.Combine(_folder, file));
    }

    [Fact]
    public void Should_NameTheMissingModel_When_AFileIsAbsent()
    {
        // Given: every model but the embedder
        CopyModelsExcept(ModelCatalog.Embedder);

        // When
        var e = Assert.Throws<FileNotFoundException>(() => new FaceAnalyzer(_folder));

        // Then
        Assert.Contains(ModelCatalog.Embedder, e.Message);
        Assert.Contains("fetch-models.sh", e.Message);
    }

    [DatasetFact]
    public void Should_LoadModelsAtTheFirstPhoto_When_Made()
    {
        // Given
        using var analyzer = new FaceAnalyzer();
        bool loadedWhenMade = analyzer.ModelsLoaded;

        // When
        var analysis = analyzer.Analyze(File.ReadAllBytes(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg")));

        // Then
        Assert.False(loadedWhenMade);
        Assert.True(analyzer.ModelsLoaded);
        Assert.NotEmpty(analysis.Faces);
    }

    [Fact]
    public void Should_FinishLoadingBeforeFreeing_When_DisposedRightAfterPrepare()
    {
        // Given: a loading started in the background, as an index does when it finds photos to analyse
        var analyzer = new FaceAnalyzer();
        analyzer.Prepare();

        // When: the run ends at once (Ctrl+C, every photo unchanged after all)
        analyzer.Dispose();

        // Then: the loading had finished (no thread left inside ONNX Runtime as the process exits) and was freed
        Assert.True(analyzer.ModelsLoaded);
    }

    [DatasetFact]
    public void Should_ReportTheModelsError_When_AModelIsDamaged()
    {
        // Given: the embedder's file cut to its first kilobyte
        CopyModelsExcept(ModelCatalog.Embedder);
        var whole = File.ReadAllBytes(Path.Combine(ModelCatalog.FindDirectory(), ModelCatalog.Embedder));
        File.WriteAllBytes(Path.Combine(_folder, ModelCatalog.Embedder), whole[..1024]);
        var photo = File.ReadAllBytes(Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg"));
        var analyzer = new FaceAnalyzer(_folder);
        analyzer.Prepare();

        // When: every photo asks, and gets the loading's own error (not a wrapper, not a photo failure)
        var first = Record.Exception(() => analyzer.Analyze(photo));
        var second = Record.Exception(() => analyzer.Analyze(photo));

        // Then: it names the file and what is wrong with it
        var e = Assert.IsType<ModelLayoutException>(first);
        Assert.Contains(ModelCatalog.Embedder, e.Message);
        Assert.Contains("damaged", e.Message);
        Assert.IsType<ModelLayoutException>(second);
        analyzer.Dispose();
    }
}
