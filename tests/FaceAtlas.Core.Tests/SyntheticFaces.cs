using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tests;

/// <summary>
/// <see cref="SyntheticVectors"/> as the catalog and clustering hold them: each a face of a photo, maybe of a person.
/// </summary>
internal sealed class SyntheticFaces(int seed, int dimensions = 512)
{
    readonly SyntheticVectors _vectors = new(seed, dimensions);
    long _nextFace = 1, _nextPhoto = 1;

    public float[] Direction() => _vectors.Direction();

    public float[] Face(float[] identity, double noise = 0.029) => _vectors.Face(identity, noise);

    public StoredFace Stored(float[] embedding, long? photo = null, long? person = null, FaceAssignment assignment = FaceAssignment.None,
        params long[] rejected) =>
        new(_nextFace++, photo ?? _nextPhoto++, embedding, person, person is null ? FaceAssignment.None : assignment, rejected);
}
