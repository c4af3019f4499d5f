using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FaceAtlas.Core;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;

namespace FaceAtlas.Storage;

/// <summary>
/// A face's place as a person's kept sum sees it: in which person, and whether it counts there (not ignored, not said
/// not to be a face, with an embedding).
/// </summary>
internal readonly record struct FacePlace(long Face, long? Person, bool Ignored, bool NotFace, bool Embedded)
{
    public bool CountsIn(long person) => Person == person && !Ignored && !NotFace && Embedded;

    /// <summary>Whether the schema's triggers saw a change between the two (they watch the person and the two marks).</summary>
    public bool MovedFrom(FacePlace before) => Person != before.Person || Ignored != before.Ignored || NotFace != before.NotFace;
}

/// <summary>
/// A person's revision (<c>people.faces_rev</c>, moved on by the schema's triggers at every change to which faces
/// count in them or to those faces' embeddings) and the sum kept for them: its faces and sum hold at
/// <see cref="SumRevision"/>, which is current when it equals <see cref="Revision"/>; null when none is kept.
/// </summary>
internal sealed record KeptSum(long Person, long Revision, long? SumRevision, int Faces, double[]? Sum)
{
    public bool Current => SumRevision == Revision;
}

/// <summary>A sum to keep: the person's faces that count and their embeddings' sum, as they are at <paramref name="Revision"/>.</summary>
internal sealed record SumToKeep(long Person, long Revision, int Faces, double[] Sum);

/// <summary>
/// The rules of the kept per-person sums (<c>person_sums</c>), the same for every backend: how a sum is stored, and
/// how one is carried across a change of a few faces. A kept row is only ever written as a fact (these faces and this
/// sum at that revision), so a stale row is never believed and a row written late is never wrong.
/// </summary>
internal static class PersonSums
{
    public const int Bytes = Embeddings.Dimensions * sizeof(double);

    /// <summary>Sums kept per transaction when many are kept at once (4 KB each).</summary>
    public const int KeptPerTurn = 500;

    public static byte[] Encode(double[] sum) => MemoryMarshal.AsBytes(sum.AsSpan()).ToArray();

    /// <summary>A kept sum as stored; empty is nothing summed yet (a new person's).</summary>
    public static double[] Decode(byte[] stored) => stored.Length == Bytes ? MemoryMarshal.Cast<byte, double>(stored).ToArray()
        : stored.Length == 0 ? new double[Embeddings.Dimensions]
        : throw new DamagedCatalogException($"{StoredValues.Damage} (a kept sum of {stored.Length} bytes instead of {Bytes})");

    /// <summary>A kept sum as stored, in single precision (what a person's centre needs), without a double-precision copy.</summary>
    public static float[] DecodeToFloats(ReadOnlySpan<byte> stored)
    {
        var floats = new float[Embeddings.Dimensions];
        if (stored.Length == 0) return floats;
        if (stored.Length != Bytes) throw new DamagedCatalogException($"{StoredValues.Damage} (a kept sum of {stored.Length} bytes instead of {Bytes})");
        var sum = MemoryMarshal.Cast<byte, double>(stored);
        for (int i = 0; i < floats.Length; i++) floats[i] = (float)sum[i];
        return floats;
    }

    public static void Add(double[] sum, ReadOnlySpan<float> embedding, double sign = 1)
    {
        for (int i = 0; i < sum.Length; i++) sum[i] += sign * embedding[i];
    }

    public static float[] ToFloats(double[] sum) => sum.Select(v => (float)v).ToArray();

    /// <summary>
    /// How far a change of these faces moves each person's revision: the triggers move it once for each face whose
    /// place changed, in the person it left and in the one it joined (once when they are the same: a mark changed).
    /// </summary>
    static Dictionary<long, int> Moves(IReadOnlyDictionary<long, FacePlace> before, IReadOnlyDictionary<long, FacePlace> after)
    {
        var moves = new Dictionary<long, int>();
        foreach (var (face, now) in after)
        {
            if (!before.TryGetValue(face, out var was) || !now.MovedFrom(was)) continue;
            foreach (var person in new[] { was.Person, now.Person }.OfType<long>().Distinct())
                moves[person] = moves.GetValueOrDefault(person) + 1;
        }
        return moves;
    }

    /// <summary>
    /// The sums after a change of these faces alone (their places <paramref name="before"/> and <paramref name="after"/>
    /// it), for each person whose revision moved by exactly what the change of these faces explains (anything else
    /// changed them: left to be read again) and whose sum was kept and current before it (a new person's starts kept,
    /// at nothing). <paramref name="kept"/> and <paramref name="embeddings"/> read, in the change's transaction, the
    /// people it moved and the faces it moved that have an embedding.
    /// </summary>
    public static List<SumToKeep> Carried(IReadOnlyDictionary<long, FacePlace> before, IReadOnlyDictionary<long, FacePlace> after,
        Func<IReadOnlyCollection<long>, IReadOnlyDictionary<long, KeptSum>> kept,
        Func<IReadOnlyCollection<long>, IReadOnlyDictionary<long, float[]>> embeddings)
    {
        var moves = Moves(before, after);
        if (moves.Count == 0) return [];
        var sums = kept(moves.Keys);
        var moved = embeddings(after.Values.Where(now => before.TryGetValue(now.Face, out var then) && now.MovedFrom(then) && now.Embedded)
            .Select(f => f.Face).ToList());
        var carried = new List<SumToKeep>();
        foreach (var (person, count) in moves)
        {
            if (!sums.TryGetValue(person, out var k)) continue; // no longer a person
            long was = k.Revision - count;
            if (k.SumRevision != was || k.Sum is null) continue;
            var (faces, sum) = (k.Faces, (double[])k.Sum.Clone());
            bool known = true;
            foreach (var (face, now) in after)
            {
                if (!before.TryGetValue(face, out var then)) continue;
                bool counted = then.CountsIn(person), counts = now.CountsIn(person);
                if (counted == counts) continue;
                if (!moved.TryGetValue(face, out var embedding))
                {
                    known = false;
                    break;
                }
                Add(sum, embedding, counts ? 1 : -1);
                faces += counts ? 1 : -1;
            }
            if (!known || faces < 0) continue;
            if (faces == 0) Array.Clear(sum);
            carried.Add(new SumToKeep(person, k.Revision, faces, sum));
        }
        return carried;
    }

    /// <summary>
    /// The sums after every face of <paramref name="from"/> moved into <paramref name="into"/> (a merge) by one
    /// statement that moved <paramref name="moved"/> faces: the two kept sums added, and nothing left in
    /// <paramref name="from"/>; for each of the two whose revision moved by exactly those faces (the triggers move it
    /// once a face) and only when both sums were current before (a merge reads no embedding, so it can add only what
    /// is kept). <paramref name="after"/>: the two people's revisions after the move.
    /// </summary>
    public static List<SumToKeep> Merged(KeptSum? from, KeptSum? into, int moved, IReadOnlyDictionary<long, KeptSum> after)
    {
        if (moved == 0 || from is not { Current: true, Sum: { } fromSum } || into is not { Current: true, Sum: { } intoSum }) return [];
        var carried = new List<SumToKeep>();
        if (after.TryGetValue(into.Person, out var i) && i.Revision == into.Revision + moved)
        {
            var sum = (double[])intoSum.Clone();
            for (int d = 0; d < sum.Length; d++) sum[d] += fromSum[d];
            carried.Add(new SumToKeep(into.Person, i.Revision, into.Faces + from.Faces, sum));
        }
        if (after.TryGetValue(from.Person, out var f) && f.Revision == from.Revision + moved)
            carried.Add(new SumToKeep(from.Person, f.Revision, 0, new double[Embeddings.Dimensions]));
        return carried;
    }

    /// <summary>The people with faces that count, as clusters: their sums, and which of the photos asked about each is in.</summary>
    public static List<PersonAsCluster> AsClusters(IEnumerable<SumToKeep> sums, IReadOnlyDictionary<long, HashSet<long>> present) =>
        sums.Where(s => s.Faces > 0)
            .Select(s => new PersonAsCluster(s.Person, ToFloats(s.Sum), s.Faces, present.GetValueOrDefault(s.Person) ?? []))
            .ToList();
}

/// <summary>
/// Every person's row as <c>EveryPersonAsCluster</c> reads it (their revision, the kept sum's revision, faces and
/// bytes, and their kept face count), sorted the same way on every backend: a current kept sum as a cluster (a person
/// with no face that counts left out), every other person to be read again from their faces.
/// </summary>
internal sealed class EveryPerson
{
    long _staleFaces, _allFaces;

    public List<PersonAsCluster> Current { get; } = [];

    /// <summary>The people to read again, each with the revision read.</summary>
    public Dictionary<long, long> Stale { get; } = [];

    /// <param name="sum">The kept sum as stored: read only when it is current.</param>
    public void Add(long person, long revision, long? sumRevision, long sumFaces, Func<byte[]> sum, long faceCount)
    {
        _allFaces += faceCount;
        if (sumRevision != revision)
        {
            Stale[person] = revision;
            _staleFaces += faceCount;
        }
        else if (sumFaces > 0)
            Current.Add(new PersonAsCluster(person, PersonSums.DecodeToFloats(sum()), (int)sumFaces, []));
    }

    /// <summary>
    /// Whether to read the stale people in one pass over every face in a person rather than person by person through
    /// the person index: when their faces are more than a quarter of all (reading in the table's order is several
    /// times cheaper per face than a seek).
    /// </summary>
    public bool ReadEveryFace => _staleFaces * 4 > _allFaces;
}

/// <summary>
/// People's sums read again from their faces, in double precision, each at the revision read with them; a face of
/// anyone else (a pass over every face) is passed over.
/// </summary>
internal sealed class SumsReadAgain(IReadOnlyDictionary<long, long> revisions)
{
    readonly Dictionary<long, (double[] Sum, int Faces)> _sums = revisions.Keys.ToDictionary(p => p, _ => (new double[Embeddings.Dimensions], 0));

    public void Add(long person, ReadOnlySpan<float> embedding)
    {
        ref var s = ref CollectionsMarshal.GetValueRefOrNullRef(_sums, person);
        if (Unsafe.IsNullRef(ref s)) return;
        PersonSums.Add(s.Sum, embedding);
        s.Faces++;
    }

    public List<SumToKeep> Read() => _sums.Select(s => new SumToKeep(s.Key, revisions[s.Key], s.Value.Faces, s.Value.Sum)).ToList();
}
