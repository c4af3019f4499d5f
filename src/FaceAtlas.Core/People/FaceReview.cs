using System.Numerics.Tensors;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vectors;

namespace FaceAtlas.Core.People;

/// <summary>A person offered for a group of faces to review, with how alike they are (the group's mean to the person's).</summary>
public sealed record ReviewCandidate(PersonSummary Person, float Similarity);

/// <summary>Faces in no person that look like one another, best face first, with the people they most likely are.</summary>
public sealed record ReviewGroup(IReadOnlyList<long> Faces, IReadOnlyList<ReviewCandidate> Candidates);

/// <summary>
/// A group of leftover faces before its candidates are looked for: its faces, their mean (length 1) and the day the
/// earliest dated photo of the group was taken. <see cref="Key"/> is its place in the review's order.
/// </summary>
public sealed record LeftoverGroup(IReadOnlyList<long> Faces, float[] Mean, DateOnly? Earliest)
{
    public ReviewKey Key => new(Faces.Count, Faces[0]);
}

/// <summary>
/// A group's place in the review's order: the larger first, then the higher first face id. As text "SIZE.FACE",
/// the <c>after</c> of a next page; a group keeps it while no face of it is answered.
/// </summary>
public readonly record struct ReviewKey(int Size, long Face) : IComparable<ReviewKey>
{
    public int CompareTo(ReviewKey other) => Size != other.Size ? other.Size.CompareTo(Size) : other.Face.CompareTo(Face);

    public string Text => $"{Size}.{Face}";

    public static ReviewKey Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size)
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long face)
            ? new ReviewKey(size, face)
            : throw new InvalidRequestException($"after takes the 'next' of a page of the review, not '{text}'");
    }
}

/// <summary>
/// The visible people's average faces (length 1), packed one after another for <see cref="BlockDot"/>: what a
/// group's candidates are looked for among. Made from the catalog's kept sums, a row per person (hundreds of megabytes
/// at a million faces), so they are made once and kept while faces change (<see cref="FaceReview.Candidates"/> reads
/// each candidate's person afresh).
/// </summary>
public sealed class PersonCentres
{
    internal PersonCentres(IReadOnlyList<long> people, float[] packed) => (People, Packed) = (people, packed);

    public IReadOnlyList<long> People { get; }
    internal float[] Packed { get; }

    /// <summary>The centre of <see cref="People"/>[<paramref name="i"/>].</summary>
    public ReadOnlySpan<float> Centre(int i) => Packed.AsSpan(i * Embeddings.Dimensions, Embeddings.Dimensions);

    /// <summary>
    /// The visible people's centres, from the sums the catalog keeps (an average's direction is its sum's): reading
    /// them is a row per person, once the catalog has kept them; the first time, every face in a person.
    /// </summary>
    public static PersonCentres Of(IPeopleCatalog catalog)
    {
        var visible = catalog.People(includeHidden: false).Select(p => p.Id).ToHashSet();
        var people = catalog.EveryPersonAsCluster().Where(p => visible.Contains(p.Person)).ToList();
        var packed = new float[(long)people.Count * Embeddings.Dimensions];
        for (int i = 0; i < people.Count; i++)
        {
            var centre = packed.AsSpan(i * Embeddings.Dimensions, Embeddings.Dimensions);
            people[i].Sum.CopyTo(centre);
            float norm = TensorPrimitives.Norm(centre);
            if (norm > 0) TensorPrimitives.Divide(centre, norm, centre);
        }
        return new PersonCentres(people.Select(p => p.Person).ToList(), packed);
    }
}

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

    /// <summary>How many people are offered for a group at most.</summary>
    const int MostCandidates = 3;

    /// <summary>
    /// At most <paramref name="maxFaces"/> leftover faces (the newest ids: what was indexed last), in groups, largest
    /// first; each with up to three candidates, most likely first.
    /// </summary>
    public IReadOnlyList<ReviewGroup> Groups(int maxFaces = 2000)
    {
        var groups = Leftovers(maxFaces);
        return groups.Count == 0 ? [] : Candidates(groups, PersonCentres.Of(catalog));
    }

    /// <summary>
    /// The groups of <see cref="Groups"/> without their candidates, in its order (<see cref="ReviewKey"/>): reading
    /// no face of a person, so cheap to make again after every change.
    /// </summary>
    public IReadOnlyList<LeftoverGroup> Leftovers(int maxFaces = 2000)
    {
        var leftover = catalog.FacesInNoPerson(maxFaces);
        if (leftover.Count == 0) return [];
        return Group(leftover).Select(g => new LeftoverGroup(g.Select(i => leftover[i].FaceId).ToList(),
                Mean(g.Select(i => leftover[i].Embedding).ToList()), g.Select(i => leftover[i].Taken).Where(d => d is not null).Min()))
            .OrderBy(g => g.Key).ToList();
    }

    /// <summary>
    /// Each group with up to three people, most likely first, whose average face in <paramref name="centres"/> is at
    /// least <see cref="CandidateSimilarity"/> alike to the group's; each as the catalog holds them now (someone gone
    /// or hidden since the centres were made is left out), never someone born after a photo of the group was taken.
    /// </summary>
    public IReadOnlyList<ReviewGroup> Candidates(IReadOnlyList<LeftoverGroup> groups, PersonCentres centres)
    {
        var found = Enumerable.Range(0, groups.Count).Select(_ => new List<(int Centre, float Similarity)>()).ToArray();
        int count = centres.People.Count, d = Embeddings.Dimensions;
        const int Block = 256; // centres scored together: 512 KB, in cache while every group is scored against them
        Parallel.For(0, (count + Block - 1) / Block, () => new Dictionary<int, List<(int, float)>>(), (block, _, near) =>
        {
            int start = block * Block, n = Math.Min(Block, count - start);
            var scores = new float[4 * n];
            for (int quad = 0; quad < groups.Count; quad += 4)
            {
                // Four groups at once (the last repeated to fill four).
                BlockDot.Four(groups[quad].Mean, groups[Math.Min(quad + 1, groups.Count - 1)].Mean, groups[Math.Min(quad + 2, groups.Count - 1)].Mean,
                    groups[Math.Min(quad + 3, groups.Count - 1)].Mean, centres.Packed.AsSpan(start * d, n * d), n, d, scores);
                for (int k = 0; k < 4 && quad + k < groups.Count; k++)
                    for (int c = 0; c < n; c++)
                        if (scores[k * n + c] >= CandidateSimilarity)
                            (near.TryGetValue(quad + k, out var list) ? list : near[quad + k] = []).Add((start + c, scores[k * n + c]));
            }
            return near;
        }, near =>
        {
            lock (found)
                foreach (var (group, list) in near) found[group].AddRange(list);
        });
        // Every candidate read in one go (a query each was 200 groups' worth of round trips to a PostgreSQL server).
        var people = catalog.PeopleWithIds(found.SelectMany(f => f).Select(c => centres.People[c.Centre]).ToHashSet()).ToDictionary(p => p.Id);
        return groups.Select((g, i) => new ReviewGroup(g.Faces, found[i].OrderByDescending(c => c.Similarity).ThenBy(c => c.Centre)
            .Select(c => (Person: people.GetValueOrDefault(centres.People[c.Centre]), c.Similarity))
            .Where(c => c.Person is { Hidden: false } p && PersonAge.CouldBe(p.Birth, g.Earliest))
            .Take(MostCandidates).Select(c => new ReviewCandidate(c.Person!, c.Similarity)).ToList())).ToList();
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
