using System.CommandLine;

namespace FaceAtlas.Cli;

/// <summary>
/// Counts given on the command line (how many results, which face, how many faces a person needs) start at 1; a
/// smaller one is a usage error (exit code 2), said before any command runs rather than failing deep inside it.
/// </summary>
internal static class CountOptions
{
    public static Option<int> AtLeastOne(Option<int> option, string meaning)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{option.Name} {meaning}");
        });
        return option;
    }
}
