using System.Collections.Concurrent;

namespace FaceAtlas.Vision;

/// <summary>
/// Reuses input buffers of one exact length: ONNX Runtime wants the buffer to match the tensor's shape,
/// so <see cref="System.Buffers.ArrayPool{T}"/> (which may hand out longer arrays) does not fit.
/// </summary>
internal sealed class TensorPool(int length)
{
    readonly ConcurrentBag<float[]> _free = [];

    public float[] Rent() => _free.TryTake(out var buffer) ? buffer : new float[length];

    public void Return(float[] buffer) => _free.Add(buffer);
}
