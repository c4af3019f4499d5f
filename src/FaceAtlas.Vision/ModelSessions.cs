using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>
/// Opens the inference sessions of the face models, all with the options of <see cref="ModelCatalog.CreateOptions"/>;
/// with a <see cref="GraphCache"/>, a graph ONNX Runtime has optimised once is kept and opened as it is later.
/// </summary>
public sealed class ModelSessions(int intraOpThreads = 1, GraphCache? cache = null)
{
    /// <summary>One thread a session, and the cache the environment names (<see cref="GraphCache.FromEnvironment"/>).</summary>
    public static ModelSessions Default() => new(1, GraphCache.FromEnvironment());

    /// <summary>Sessions optimised afresh each time, kept nowhere.</summary>
    public static ModelSessions Uncached { get; } = new();

    /// <summary>A session for the model in the file at <paramref name="path"/>, as <paramref name="edit"/> (if any) changes it.</summary>
    internal InferenceSession Open(string path, ModelEdit? edit)
    {
        if (cache is null)
        {
            using var options = ModelCatalog.CreateOptions(intraOpThreads);
            return new InferenceSession(Read(path, edit), options);
        }
        // What decides the optimised graph besides the model, its edit, the runtime and the processor.
        string recipe = $"threads={intraOpThreads};level={GraphOptimizationLevel.ORT_ENABLE_ALL}";
        return cache.Open(path, edit, recipe, () => ModelCatalog.CreateOptions(intraOpThreads));
    }

    /// <summary>The bytes the runtime is given: the file's, edited; a layout error names the file.</summary>
    internal static byte[] Read(string path, ModelEdit? edit) =>
        edit is null ? File.ReadAllBytes(path) : OnnxGraphEditor.EditFile(path, edit.Apply);
}
