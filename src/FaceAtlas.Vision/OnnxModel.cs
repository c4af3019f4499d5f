using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>Thrown when a model file's inputs or outputs are not the layout the code was written for.</summary>
public sealed class ModelLayoutException(string message) : Exception(message);

/// <summary>Owns one inference session and checks its layout against what the caller expects.</summary>
internal sealed class OnnxModel : IDisposable
{
    readonly InferenceSession _session;
    readonly RunOptions _runOptions = new();

    public OnnxModel(string path, SessionOptions options, string input, int[] inputShape, params (string Name, int[] Shape)[] outputs)
    {
        _session = new InferenceSession(path, options);
        Name = Path.GetFileName(path);
        Expect(_session.InputMetadata, input, inputShape);
        foreach (var (name, shape) in outputs)
            Expect(_session.OutputMetadata, name, shape);
        InputName = input;
        InputShape = inputShape.Select(d => (long)d).ToArray();
        OutputNames = outputs.Select(o => o.Name).ToArray();
    }

    public string Name { get; }
    public string InputName { get; }
    public long[] InputShape { get; }
    public string[] OutputNames { get; }

    void Expect(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, int[] shape)
    {
        if (!metadata.TryGetValue(name, out var node))
            throw new ModelLayoutException($"{Name}: no tensor named '{name}' (has {string.Join(", ", metadata.Keys)})");
        if (node.ElementType != typeof(float) || !node.Dimensions.SequenceEqual(shape))
            throw new ModelLayoutException(
                $"{Name}: '{name}' is {node.ElementType.Name}[{string.Join(",", node.Dimensions)}], expected Single[{string.Join(",", shape)}]");
    }

    /// <summary>Runs the model on one input buffer; the caller copies what it needs out of the outputs before disposing them.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, InputShape);
        return _session.Run(_runOptions, [InputName], [value], OutputNames);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
