namespace FaceAtlas.Core.Search;

/// <summary>Why a photo is in an answer: it holds a face of the person the query was recognised as, or a face alike enough on its own.</summary>
public enum MatchKind
{
    /// <summary>A face of a person of the catalog whom the query is (clustering already checked it face against face).</summary>
    Person,
    /// <summary>A face alike enough to the query on its own (in no person the query is): "looks alike".</summary>
    Face,
}

public static class MatchKindNames
{
    /// <summary>The match as `search --format jsonl` and the API's search write it: "person" or "face".</summary>
    public static string Name(this MatchKind match) => match == MatchKind.Person ? "person" : "face";
}

/// <summary>
/// The default answer to "every photo of this person" (1:N identification, not 1:1 verification). One pair
/// threshold cannot serve it: a query is compared with every face of the catalog, so a small chance per stranger of
/// passing it becomes many strangers in a large catalog. Instead:
/// <list type="bullet">
/// <item>The query is one of the catalog's people when its average similarity to all of that person's faces
/// reaches what clustering asks of a face joining a group of n faces: <see cref="PersonThreshold"/> +
/// <see cref="SmallPersonPenalty"/> / sqrt(n). An average over many faces of one person varies far less than one
/// similarity does, so a stranger rarely reaches it, and the person's faces that are least like the query (another
/// age, another light) still come, as clustering put them there.</item>
/// <item>A face outside those people comes only above <see cref="FaceBar"/>.</item>
/// <item>Past <see cref="ReferenceFaces"/>, both bars rise with the logarithm of the catalog's size, each as fast as
/// its strangers' tail falls, so that the expected number of strangers per answer stays about the same as the
/// catalog grows.</item>
/// </list>
/// Calibrated on LFW with query photos that are not in the catalog (docs/QUALITY.md, `bench -- search-quality`).
/// </summary>
public sealed record Identification
{
    /// <summary>Average similarity to a large person's faces that the query needs (clustering's merge threshold), in a catalog of up to <see cref="ReferenceFaces"/> faces.</summary>
    public float PersonThreshold { get; init; } = 0.38f;

    /// <summary>What a small person asks in addition: penalty / sqrt(faces) (clustering asks 0.14 of a face joining a group).</summary>
    public float SmallPersonPenalty { get; init; } = 0.10f;

    /// <summary>The similarity a face in no recognised person needs, in a catalog of up to <see cref="ReferenceFaces"/> faces.</summary>
    public float FaceThreshold { get; init; } = 0.50f;

    /// <summary>
    /// Up to this many faces the thresholds above hold as they are: measured on LFW, 11k faces with no strangers
    /// added and 31k with 20k added both keep precision and recall at or above 0.97 with them.
    /// </summary>
    public int ReferenceFaces { get; init; } = 30_000;

    /// <summary>
    /// How much the person bar rises each time the catalog grows tenfold beyond <see cref="ReferenceFaces"/>: on LFW,
    /// how often a stranger's average reaches the person rule falls four- to fivefold for every 0.04 (docs/QUALITY.md),
    /// so 0.06 a decade keeps the expected stranger people per query where it is at the reference size.
    /// </summary>
    public float PersonRisePerDecade { get; init; } = 0.06f;

    /// <summary>
    /// How much the face bar rises each time the catalog grows tenfold beyond <see cref="ReferenceFaces"/>: the tail
    /// of one stranger's similarity is heavier (about 3.5-fold for every 0.04 on LFW), so it needs 0.07 a decade.
    /// </summary>
    public float FaceRisePerDecade { get; init; } = 0.07f;

    public static Identification Default { get; } = new();

    /// <summary>
    /// Tens of times the catalog holds more faces than <see cref="ReferenceFaces"/> (0 up to it): the bars never
    /// fall below their reference values, as a lower bar in a small catalog let in more strangers than it brought
    /// photos of the person.
    /// </summary>
    public float Decades(int catalogFaces) => Math.Max(0, MathF.Log10(Math.Max(1, catalogFaces) / (float)ReferenceFaces));

    /// <summary>Average similarity the query needs to a person of <paramref name="faces"/> faces, in a catalog of <paramref name="catalogFaces"/>.</summary>
    public float PersonBar(int faces, int catalogFaces) =>
        PersonThreshold + SmallPersonPenalty / MathF.Sqrt(Math.Max(1, faces)) + PersonRisePerDecade * Decades(catalogFaces);

    /// <summary>Similarity a face outside the recognised people needs, in a catalog of <paramref name="catalogFaces"/> faces.</summary>
    public float FaceBar(int catalogFaces) => FaceThreshold + FaceRisePerDecade * Decades(catalogFaces);

    /// <summary>No face less similar than this can matter to either rule, in a catalog of <paramref name="catalogFaces"/>.</summary>
    public float Floor(int catalogFaces) => Math.Min(PersonThreshold + PersonRisePerDecade * Decades(catalogFaces), FaceBar(catalogFaces));
}
