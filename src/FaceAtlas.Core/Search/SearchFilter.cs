using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Search;

/// <summary>
/// Which faces a search may return, by their estimated attributes. A face without attributes (indexed by an
/// older version) passes only a filter that asks for nothing.
/// </summary>
public sealed record SearchFilter(float? MinAge = null, float? MaxAge = null, Gender? Gender = null, bool FrontalOnly = false, float MinQuality = 0)
{
    public static readonly SearchFilter None = new();

    public bool IsEmpty => MinAge is null && MaxAge is null && Gender is null && !FrontalOnly && MinQuality <= 0;

    public bool Accepts(FaceAttributes? a)
    {
        if (IsEmpty) return true;
        if (a is null) return false;
        return (MinAge is not { } lo || a.Age >= lo) && (MaxAge is not { } hi || a.Age <= hi)
            && (Gender is not { } g || a.Gender == g) && (!FrontalOnly || a.Pose.IsFrontal) && a.Quality >= MinQuality;
    }

    /// <summary>The filter on a face's packed <see cref="FaceTags"/>, as the search index holds them.</summary>
    internal bool Accepts(uint tags)
    {
        if (IsEmpty) return true;
        if (!FaceTags.HasAttributes(tags)) return false;
        float age = FaceTags.Age(tags);
        return (MinAge is not { } lo || age >= MathF.Round(lo)) && (MaxAge is not { } hi || age <= MathF.Round(hi))
            && (Gender is not { } g || FaceTags.GenderOf(tags) == g) && (!FrontalOnly || FaceTags.IsFrontal(tags))
            && FaceTags.Quality(tags) >= MinQuality - 0.005f;
    }
}

/// <summary>
/// A face's attributes packed into 32 bits for the search index (4 bytes a face instead of 28): age in whole
/// years, gender, frontal or not, quality in hundredths. Enough for filtering, which is all the index does with them.
/// </summary>
internal static class FaceTags
{
    const uint Present = 1, Male = 2, Frontal = 4;

    public static uint Pack(FaceAttributes? a)
    {
        if (a is null) return 0;
        uint age = (uint)Math.Clamp(MathF.Round(a.Age), 0, 255), quality = (uint)Math.Clamp(MathF.Round(a.Quality * 100), 0, 100);
        return Present | (a.Gender == Gender.Male ? Male : 0) | (a.Pose.IsFrontal ? Frontal : 0) | age << 8 | quality << 16;
    }

    public static bool HasAttributes(uint tags) => (tags & Present) != 0;
    public static float Age(uint tags) => (tags >> 8) & 0xFF;
    public static Gender GenderOf(uint tags) => (tags & Male) != 0 ? Gender.Male : Gender.Female;
    public static bool IsFrontal(uint tags) => (tags & Frontal) != 0;
    public static float Quality(uint tags) => ((tags >> 16) & 0xFF) / 100f;
}
