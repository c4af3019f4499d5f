using System.CommandLine;
using System.CommandLine.Parsing;

namespace FaceAtlas.Cli;

/// <summary>
/// Path arguments and options refuse an empty value as a usage error (exit code 2) before any command runs: an
/// empty path is a shell variable that expanded to nothing, and the file system would answer it with an exception.
/// </summary>
internal static class PathArguments
{
    const string Why = "is empty (a shell variable that expanded to nothing?)";

    public static Argument<T> NotEmpty<T>(Argument<T> argument)
    {
        argument.Validators.Add(result => RefuseEmpty(result, $"{argument.Name}: a path"));
        return argument;
    }

    public static Option<T> NotEmpty<T>(Option<T> option)
    {
        option.Validators.Add(result => RefuseEmpty(result, $"{option.Name}: the path"));
        return option;
    }

    static void RefuseEmpty(SymbolResult result, string what)
    {
        if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) result.AddError($"{what} {Why}");
    }
}
