namespace FaceAtlas.Cli;

/// <summary>The exit codes, as documented in the README. Scripts rely on them: never renumber.</summary>
public static class ExitCodes
{
    /// <summary>Done; every photo was read (photos without faces included).</summary>
    public const int Success = 0;

    /// <summary>The command could not run: catalog unreadable, models missing, and the like. Nothing was changed.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (unknown option, missing argument, bad value).</summary>
    public const int Usage = 2;

    /// <summary>Done, but some photos or paths could not be used; each is listed with its reason.</summary>
    public const int SomeFailed = 3;

    /// <summary>Another index is writing to the same catalog.</summary>
    public const int Busy = 4;

    /// <summary>Interrupted (Ctrl+C); what was finished is kept and the next run resumes.</summary>
    public const int Interrupted = 130;
}

/// <summary>An option's value that parsed but makes no sense (a backwards age range): exit code 2, like a parse error.</summary>
internal sealed class UsageException(string message) : Exception(message);
