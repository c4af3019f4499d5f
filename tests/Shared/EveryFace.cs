using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Testing;

/// <summary>
/// A catalog's faces searched by comparing every one: the neighbourhood as a perfect search index would find it,
/// for holding clustering by neighbourhood to the run over every face.
/// </summary>
public sealed class EveryFace(ICatalog catalog) : IFaceNeighbours
{
    readonly List<FaceVector> _faces = catalog.FaceVectors().ToList();

    public int Faces => _faces.Count;

    public IReadOnlyList<NearFace> Nearest(float[] embedding, int k) => _faces
        .Select(f => new NearFace(f.Id, TensorPrimitives.Dot(embedding, f.Embedding)))
        .OrderByDescending(n => n.Similarity).ThenBy(n => n.Face).Take(k).ToList();
}
