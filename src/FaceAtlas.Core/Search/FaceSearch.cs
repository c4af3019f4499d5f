using System.Numerics.Tensors;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Search;

/// <summary>A photo found for a query: its best-matching face and how similar it is.</summary>
public sealed record SearchHit(FaceRecord Face, float Similarity);

/// <summary>
/// Finds the photos of a person from one embedding: every face in the catalog is compared (exact search, SIMD dot
/// products), each photo is ranked by its most similar face, best first.
/// </summary>
public sealed class FaceSearch(ICatalog catalog)
{
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, float minSimilarity, int top)
    {
        var best = new Dictionary<long, SearchHit>();
        var q = query.ToArray();
        foreach (var face in catalog.Faces(withEmbeddings: true))
        {
            if (face.Embedding is null) continue;
            float similarity = TensorPrimitives.Dot(q, face.Embedding);
            if (similarity < minSimilarity) continue;
            if (!best.TryGetValue(face.Photo.Id, out var current) || similarity > current.Similarity)
                best[face.Photo.Id] = new SearchHit(face with { Embedding = null }, similarity);
        }
        return best.Values.OrderByDescending(h => h.Similarity).ThenBy(h => h.Face.Id).Take(top).ToList();
    }

    /// <summary>The mean of a person's face embeddings, L2-normalised: the person as one query.</summary>
    public float[] PersonQuery(long person)
    {
        float[]? sum = null;
        foreach (var face in catalog.Faces(withEmbeddings: true))
        {
            if (face.PersonId != person || face.Embedding is null) continue;
            sum ??= new float[face.Embedding.Length];
            TensorPrimitives.Add(sum, face.Embedding, sum);
        }
        if (sum is null) throw new People.PeopleException($"no person {person} with faces");
        TensorPrimitives.Divide(sum, TensorPrimitives.Norm(sum), sum);
        return sum;
    }
}
