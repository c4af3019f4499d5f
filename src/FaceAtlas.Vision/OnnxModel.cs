using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>Thrown when a model file's inputs or outputs are not the layout the code was written for.</summary>
public sealed class ModelLayoutException(string message) : Exception(message);

/// <summary>
/// Owns one inference session and checks its layout against what the caller expects (-1 in an expected shape:
/// any size there; a null output shape: not checked).
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    readonly InferenceSession _session;
    readonly RunOptions _runOptions = new();

    /// <summary>The model in the file at <paramref name="path"/>, as <paramref name="edit"/> (if any) changes it.</summary>
    public OnnxModel(string path, ModelEdit? edit, ModelSessions sessions, string input, int[] inputShape,
        params (string Name, int[]? Shape)[] outputs)
    {
        _session = sessions.Open(path, edit);
        Name = Path.GetFileName(path);
        Expect(_session.InputMetadata, input, inputShape);
        foreach (var (output, shape) in outputs)
            Expect(_session.OutputMetadata, output, shape);
        InputName = input;
        InputShape = inputShape.Select(d => (long)d).ToArray();
        OutputNames = outputs.Select(o => o.Name).ToArray();
    }

    public string Name { get; }
    public string InputName { get; }
    public long[] InputShape { get; }
    public string[] OutputNames { get; }

    void Expect(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, int[]? shape)
    {
        if (!metadata.TryGetValue(name, out var node))
            throw new ModelLayoutException($"{Name}: no tensor named '{name}' (has {string.Join(", ", metadata.Keys)})");
        bool fits = node.ElementType == typeof(float) && (shape is null || (node.Dimensions.Length == shape.Length
            && node.Dimensions.Zip(shape).All(d => d.Second == -1 || d.First == d.Second)));
        if (!fits)
            throw new ModelLayoutException(
                $"{Name}: '{name}' is {node.ElementType.Name}[{string.Join(",", node.Dimensions)}], expected Single[{string.Join(",", shape ?? [])}]");
    }

    /// <summary>Runs the model on one input buffer; the caller copies what it needs out of the outputs before disposing them.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(float[] input, long[]? shape = null)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape ?? InputShape);
        return _session.Run(_runOptions, [InputName], [value], OutputNames);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
