using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Search;

/// <summary>The search index as clustering's way to a new face's neighbourhood; searches may run on several threads at once.</summary>
public sealed class IndexedNeighbours(SearchIndex index) : IFaceNeighbours
{
    public int Faces => index.Count;

    public IReadOnlyList<NearFace> Nearest(float[] embedding, int k) =>
        index.Search(embedding, k).Select(m => new NearFace(m.Face, m.Similarity)).ToList();
}
