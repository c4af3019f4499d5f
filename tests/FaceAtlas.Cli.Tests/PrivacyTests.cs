namespace FaceAtlas.Cli.Tests;

/// <summary>Nothing about the machine or its photos is noted down for sending anywhere.</summary>
public sealed class PrivacyTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// The variables by which ONNX Runtime's telemetry recognises a CI machine and keeps quiet on its own; taken out
    /// so that this test sees what a user's machine would.
    /// </summary>
    static readonly string[] CiMarkers =
    [
        "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID", "BUILDKITE",
        "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER", "ORT_DISABLE_TELEMETRY",
    ];

    [DatasetFact]
    public void Should_LeaveNoTelemetryBehind_When_PhotosAreAnalysed()
    {
        // Given: a home folder of the run's own
        var home = Directory.CreateDirectory(_temp.File("home")).FullName;
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache") };

        // When: photos are indexed, which loads and runs every model
        using var run = Cli.Start(["index", Datasets.At("lfw-dev", "Aaron_Peirsol"), "--catalog", _temp.File("c.db")], environment, CiMarkers);
        var stderr = run.StandardError.ReadToEndAsync();
        var stdout = run.StandardOutput.ReadToEnd();
        run.WaitForExit();

        // Then: it worked, and ONNX Runtime wrote no device id or event queue (~/.cache/Microsoft/DeveloperTools)
        Assert.True(run.ExitCode == 0, $"index exited {run.ExitCode}: {stderr.Result}");
        Assert.Contains("faces", stdout);
        var written = Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(written, p => p.Contains("Microsoft", StringComparison.OrdinalIgnoreCase) || p.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
    }
}
