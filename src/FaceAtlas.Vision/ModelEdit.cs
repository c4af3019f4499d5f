namespace FaceAtlas.Vision;

/// <summary>
/// A change made to a model file's bytes before ONNX Runtime sees them. <paramref name="Name"/> tells edits apart in
/// <see cref="GraphCache"/>'s keys; an edit's code is covered there by the build of this library.
/// </summary>
internal sealed record ModelEdit(string Name, Func<byte[], byte[]> Apply);
