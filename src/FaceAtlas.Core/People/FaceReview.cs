using System.Numerics.Tensors;
using FaceAtlas.Vectors;

namespace FaceAtlas.Core.People;

/// <summary>A person offered for a group of faces to review, with how alike they are (the group's mean to the person's).</summary>
public sealed record ReviewCandidate(PersonSummary Person, float Similarity);

/// <summary>Faces in no person that look like one another, best face first, with the people they most likely are.</summary>
public sealed record ReviewGroup(IReadOnlyList<long> Faces, IReadOnlyList<ReviewCandidate> Candidates);

/// <summary>
/// The faces left over (in no person, not ignored), grouped by likeness so that a person can answer for a whole
/// group at once: "Is this Jennifer?", "a new person", or "ignore" for strangers in the background.
/// </summary>
public sealed class FaceReview(IPeopleCatalog catalog)
{
    /// <summary>Two leftover faces this alike are offered as one group (the search's bar for a face on its own).</summary>
    public const float GroupSimilarity = 0.50f;

    /// <summary>A person is offered for a group whose mean face is at least this alike to theirs (clustering's merge bar).</summary>
    public const float CandidateSimilarity = 0.38f;

    /// <summary>
    /// At most <paramref name="maxFaces"/> leftover faces (the newest ids: what was indexed last), in groups, largest
    /// first; each with up to three candidates, most likely first.
    /// </summary>
    public IReadOnlyList<ReviewGroup> Groups(int maxFaces = 2000)
    {
        var leftover = catalog.FacesInNoPerson(maxFaces);
        if (leftover.Count == 0) return [];
        var groups = Group(leftover);
        var centres = PersonAverage.Of(catalog).Select(a => (a.Person, Mean: Mean([a.Mean]))).ToList();
        return groups.Select(g =>
        {
            var mean = Mean(g.Select(i => leftover[i].Embedding).ToList());
            var earliest = g.Select(i => leftover[i].Taken).Where(d => d is not null).Min();
            // Never someone born after a photo of the group was taken.
            var candidates = centres.Where(c => PersonAge.CouldBe(c.Person.Birth, earliest))
                .Select(c => new ReviewCandidate(c.Person, TensorPrimitives.Dot(mean, c.Mean)))
                .Where(c => c.Similarity >= CandidateSimilarity).OrderByDescending(c => c.Similarity).Take(3).ToList();
            return new ReviewGroup(g.Select(i => leftover[i].FaceId).ToList(), candidates);
        }).OrderByDescending(g => g.Faces.Count).ThenByDescending(g => g.Faces[0]).ToList();
    }

    /// <summary>Connected groups of faces joined by a likeness of at least <see cref="GroupSimilarity"/>.</summary>
    static List<List<int>> Group(IReadOnlyList<StoredFace> faces)
    {
        var parent = Enumerable.Range(0, faces.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        foreach (var edge in NeighbourGraph.Exact(faces.Select(f => f.Embedding).ToList(), 10, GroupSimilarity))
            if (faces[edge.A].PhotoId != faces[edge.B].PhotoId) // two faces of one photo are two people
                parent[Find(edge.A)] = Find(edge.B);
        return Enumerable.Range(0, faces.Count).GroupBy(Find).Select(g => g.ToList()).ToList();
    }

    static float[] Mean(IReadOnlyList<float[]> vectors)
    {
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors) TensorPrimitives.Add(mean, v, mean);
        float norm = TensorPrimitives.Norm(mean);
        if (norm > 0) TensorPrimitives.Divide(mean, norm, mean);
        return mean;
    }
}
