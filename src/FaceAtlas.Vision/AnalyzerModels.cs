using FaceAtlas.Core.Faces;

namespace FaceAtlas.Vision;

/// <summary>
/// The networks one <see cref="FaceAnalyzer"/> runs, loaded side by side: making their sessions (reading, rewriting
/// and optimising five graphs) is most of what a short index spends before its first photo, and it parallelises.
/// </summary>
internal sealed class AnalyzerModels : IDisposable
{
    public required UltraFaceDetector Detector { get; init; }
    public required LandmarkModel Landmarks { get; init; }
    public required FaceEmbedder Embedder { get; init; }
    public required AttributeEstimator Attributes { get; init; }

    /// <summary>The model files an analyzer needs, checked before anything is loaded.</summary>
    public static readonly string[] Files = [ModelCatalog.Detector, ModelCatalog.Landmarks, ModelCatalog.Embedder, ModelCatalog.Age, ModelCatalog.Gender];

    /// <summary>Loads every model from <paramref name="directory"/>, on as many cores as there are; all or none.</summary>
    public static AnalyzerModels Load(string directory, ModelSessions sessions)
    {
        string At(string file) => Path.Combine(directory, file);
        // The two largest graphs on their own threads, the three small ones on a third: threads of their own, all
        // started at once (the thread pool starts with one thread a core and held the third back until another
        // ended, so the embedder, the longest to load, began last), the embedder first.
        var embedder = Start(() => new FaceEmbedder(At(ModelCatalog.Embedder), sessions));
        var detector = Start(() => new UltraFaceDetector(At(ModelCatalog.Detector), sessions));
        var small = Start(() => LoadSmall(directory, sessions));
        try
        {
            Task.WaitAll(detector, embedder, small);
        }
        catch (AggregateException e)
        {
            foreach (var loaded in new Task[] { embedder, detector, small }.Where(t => t.IsCompletedSuccessfully))
                DisposeResult(loaded);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }
        return new AnalyzerModels
        {
            Detector = detector.Result, Embedder = embedder.Result, Landmarks = small.Result.Landmarks, Attributes = small.Result.Attributes,
        };
    }

    static Task<T> Start<T>(Func<T> load) =>
        Task.Factory.StartNew(load, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    static (LandmarkModel Landmarks, AttributeEstimator Attributes) LoadSmall(string directory, ModelSessions sessions)
    {
        var landmarks = new LandmarkModel(Path.Combine(directory, ModelCatalog.Landmarks), sessions);
        try
        {
            return (landmarks, new AttributeEstimator(directory, sessions));
        }
        catch
        {
            landmarks.Dispose();
            throw;
        }
    }

    static void DisposeResult(Task loaded)
    {
        switch (loaded)
        {
            case Task<UltraFaceDetector> t: t.Result.Dispose(); break;
            case Task<FaceEmbedder> t: t.Result.Dispose(); break;
            case Task<(LandmarkModel Landmarks, AttributeEstimator Attributes)> t:
                t.Result.Landmarks.Dispose();
                t.Result.Attributes.Dispose();
                break;
        }
    }

    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Embedder.Dispose();
        Attributes.Dispose();
    }
}
