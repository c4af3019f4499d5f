using System.Numerics.Tensors;

namespace FaceAtlas.Core.People;

/// <summary>
/// A person's average face (the mean of their embeddings, not rescaled to length 1), the photos they are in, and the
/// day of their earliest photo that records one (for the birth-date rule).
/// </summary>
public sealed record PersonAverage(PersonSummary Person, float[] Mean, IReadOnlySet<long> Photos, DateOnly? Earliest = null)
{
    /// <summary>Faces whose embeddings are taken out of their people's sums per read: a few megabytes.</summary>
    const int LeftOutPerRead = 2_000;

    /// <summary>
    /// Faces left out are read one by one, several times the cost per face of reading every face in a person in the
    /// table's order: past this share of the faces in people, every face is read instead.
    /// </summary>
    const double MostLeftOut = 1.0 / 8;

    /// <summary>
    /// The visible people's averages. <paramref name="counts"/>: which faces count (all when null); a person with none
    /// that counts has no average. Made from the sums the catalog keeps (<see cref="IPeopleCatalog.EveryPersonAsCluster"/>)
    /// less the faces that do not count, after one pass over the faces without their embeddings for which count, the
    /// photos and the days: a row per person and per face, and the embeddings of the faces left out, never every
    /// face's (at a million faces, 2 GB). When more than <see cref="MostLeftOut"/> of the faces are left out, every face
    /// is read instead (<see cref="FromEveryFace"/>). The sums and the pass are two reads, not one snapshot: a change
    /// between them can leave an average a face off until it is made again, as every change to people makes it.
    /// </summary>
    public static IReadOnlyList<PersonAverage> Of(IPeopleCatalog catalog, Func<PersonFaceSeen, bool>? counts = null)
    {
        var people = catalog.People(includeHidden: false).ToDictionary(p => p.Id);
        var photos = new Dictionary<long, HashSet<long>>();
        var earliest = new Dictionary<long, DateOnly>();
        var leftOut = new List<long>();
        long seen = 0;
        // The people's kept counts tell how many faces the pass will meet: once the faces left out are past the share
        // of those, every face is read at once, not after the rest of this pass.
        double mostLeftOut = people.Values.Sum(p => (double)p.Faces) * MostLeftOut;
        foreach (var face in catalog.FacesSeenInPeople())
        {
            if (!people.ContainsKey(face.Person)) continue;
            seen++;
            KeepEarliest(earliest, face.Person, face.Taken);
            if (counts?.Invoke(face) == false)
            {
                leftOut.Add(face.Face);
                if (leftOut.Count > mostLeftOut) break; // the pass's reader closed before every face is read
                continue;
            }
            (photos.TryGetValue(face.Person, out var set) ? set : photos[face.Person] = []).Add(face.Photo);
        }
        if (leftOut.Count > mostLeftOut || leftOut.Count > seen * MostLeftOut) return FromEveryFace(catalog, people, counts);
        var sums = catalog.EveryPersonAsCluster().Where(c => people.ContainsKey(c.Person))
            .ToDictionary(c => c.Person, c => (c.Sum, Count: c.Faces));
        // A face left out leaves its person's sum, by the person it is in now (a face with no embedding is in no sum).
        foreach (var chunk in leftOut.Chunk(LeftOutPerRead))
            foreach (var face in catalog.FacesForClustering(chunk))
            {
                if (face.PersonId is not { } person || !sums.TryGetValue(person, out var s)) continue;
                TensorPrimitives.Subtract(s.Sum, face.Embedding, s.Sum);
                sums[person] = (s.Sum, s.Count - 1);
            }
        return sums.Where(kv => kv.Value.Count > 0 && photos.ContainsKey(kv.Key)).Select(kv =>
        {
            TensorPrimitives.Divide(kv.Value.Sum, kv.Value.Count, kv.Value.Sum);
            return new PersonAverage(people[kv.Key], kv.Value.Sum, photos[kv.Key], earliest.TryGetValue(kv.Key, out var day) ? day : null);
        }).ToList();
    }

    /// <summary>A person's earliest day: <paramref name="taken"/> when it is earlier than theirs so far.</summary>
    static void KeepEarliest(Dictionary<long, DateOnly> earliest, long person, DateOnly? taken)
    {
        if (taken is { } day && (!earliest.TryGetValue(person, out var first) || day < first)) earliest[person] = day;
    }

    /// <summary>
    /// <see cref="Of"/> made from every face in a person, in one pass over them as the catalog reads them: what is held
    /// is a vector per person, never every face's.
    /// </summary>
    public static IReadOnlyList<PersonAverage> FromEveryFace(IPeopleCatalog catalog, Func<PersonFaceSeen, bool>? counts = null) =>
        FromEveryFace(catalog, catalog.People(includeHidden: false).ToDictionary(p => p.Id), counts);

    static IReadOnlyList<PersonAverage> FromEveryFace(IPeopleCatalog catalog, Dictionary<long, PersonSummary> people, Func<PersonFaceSeen, bool>? counts)
    {
        var sums = new Dictionary<long, (float[] Sum, int Count, HashSet<long> Photos)>();
        var earliest = new Dictionary<long, DateOnly>();
        foreach (var face in catalog.FacesInPeople())
        {
            if (!people.ContainsKey(face.Person)) continue;
            KeepEarliest(earliest, face.Person, face.Taken);
            if (counts?.Invoke(face.Seen) == false) continue;
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
