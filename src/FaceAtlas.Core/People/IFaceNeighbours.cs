namespace FaceAtlas.Core.People;

/// <summary>A face of the catalog near a query, and how alike the two are.</summary>
public readonly record struct NearFace(long Face, float Similarity);

/// <summary>
/// The catalog's faces searched by likeness (the search index): what lets new faces be clustered against their
/// neighbourhood without reading every face.
/// </summary>
public interface IFaceNeighbours
{
    /// <summary>How many faces can be found.</summary>
    int Faces { get; }

    /// <summary>The <paramref name="k"/> faces most like <paramref name="embedding"/>, most alike first; safe on several threads at once.</summary>
    IReadOnlyList<NearFace> Nearest(float[] embedding, int k);
}
