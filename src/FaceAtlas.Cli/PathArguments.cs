using System.CommandLine;

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
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) result.AddError($"{argument.Name}: a path {Why}");
        });
        return argument;
    }

    public static Option<T> NotEmpty<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) result.AddError($"{option.Name}: the path {Why}");
        });
        return option;
    }
}
