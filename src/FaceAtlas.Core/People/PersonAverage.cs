using System.Numerics.Tensors;

namespace FaceAtlas.Core.People;

/// <summary>
/// A person's average face (the mean of their embeddings, not rescaled to length 1), the photos they are in, and the
/// day of their earliest photo that records one (for the birth-date rule).
/// </summary>
public sealed record PersonAverage(PersonSummary Person, float[] Mean, IReadOnlySet<long> Photos, DateOnly? Earliest = null)
{
    /// <summary>
    /// The visible people's averages, in one pass over their faces as the catalog reads them: what is held is a
    /// vector per person, never every face's (at a million faces, gigabytes). <paramref name="counts"/>: which faces
    /// count (all when null); a person with none that counts has no average.
    /// </summary>
    public static IReadOnlyList<PersonAverage> Of(IPeopleCatalog catalog, Func<PersonFace, bool>? counts = null)
    {
        var people = catalog.People(includeHidden: false).ToDictionary(p => p.Id);
        var sums = new Dictionary<long, (float[] Sum, int Count, HashSet<long> Photos)>();
        var earliest = new Dictionary<long, DateOnly>();
        foreach (var face in catalog.FacesInPeople())
        {
            if (!people.ContainsKey(face.Person)) continue;
            if (face.Taken is { } day && (!earliest.TryGetValue(face.Person, out var seen) || day < seen)) earliest[face.Person] = day;
            if (counts?.Invoke(face) == false) continue;
            var (sum, count, photos) = sums.TryGetValue(face.Person, out var s) ? s : (new float[face.Embedding.Length], 0, []);
            TensorPrimitives.Add(sum, face.Embedding, sum);
            photos.Add(face.Photo);
            sums[face.Person] = (sum, count + 1, photos);
        }
        return sums.Select(kv =>
        {
            TensorPrimitives.Divide(kv.Value.Sum, kv.Value.Count, kv.Value.Sum);
            return new PersonAverage(people[kv.Key], kv.Value.Sum, kv.Value.Photos, earliest.TryGetValue(kv.Key, out var day) ? day : null);
        }).ToList();
    }
}
