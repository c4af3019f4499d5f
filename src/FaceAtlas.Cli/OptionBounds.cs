using System.CommandLine;

namespace FaceAtlas.Cli;

/// <summary>
/// Bounds of numeric options: a count (how many results, which face, how many faces a person needs) starts at 1, a
/// similarity or a quality lies in its range. A value outside is a usage error (exit code 2), said before any command
/// runs rather than failing deep inside it.
/// </summary>
internal static class OptionBounds
{
    public static Option<int> AtLeastOne(Option<int> option, string meaning)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{option.Name} {meaning}");
        });
        return option;
    }

    public static Option<int?> AtLeastOneIfGiven(Option<int?> option, string meaning)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError($"{option.Name} {meaning}");
        });
        return option;
    }

    public static Option<float?> WithinIfGiven(Option<float?> option, float min, float max, string meaning)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float?>() is { } value && !(value >= min && value <= max)) result.AddError($"{option.Name} {meaning}"); // NaN too
        });
        return option;
    }

    public static Option<float> Within(Option<float> option, float min, float max, string meaning)
    {
        option.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!(value >= min && value <= max)) result.AddError($"{option.Name} {meaning}"); // NaN too
        });
        return option;
    }
}
