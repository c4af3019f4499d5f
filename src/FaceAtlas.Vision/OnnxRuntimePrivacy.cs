using System.Runtime.InteropServices;

namespace FaceAtlas.Vision;

/// <summary>
/// Keeps ONNX Runtime from collecting telemetry. Its official Linux builds (1.31) record a process event at start-up
/// (the program's path, the operating system, the processor, a persistent device id) in
/// <c>~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db</c> to upload to Microsoft; nothing of a photo
/// collection may leave the machine, nor be noted for upload. The runtime's full opt-out is the variable
/// <c>ORT_DISABLE_TELEMETRY=1</c> in the native environment before it initialises; .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the native one on Unix, so it is set
/// through libc.
/// </summary>
internal static partial class OnnxRuntimePrivacy
{
    public const string OptOutVariable = "ORT_DISABLE_TELEMETRY";

    static readonly Lazy<bool> Applied = new(() =>
    {
        if (!OperatingSystem.IsWindows() && SetEnv(OptOutVariable, "1", 1) != 0)
            throw new InvalidOperationException($"could not set {OptOutVariable} for ONNX Runtime");
        // What the runtime still offers to switch off once it runs (its Windows builds log through ETW).
        Microsoft.ML.OnnxRuntime.OrtEnv.Instance().DisableTelemetryEvents();
        return true;
    });

    /// <summary>Sets the opt-out once per process; called before anything of ONNX Runtime is touched.</summary>
    public static void Apply() => _ = Applied.Value;

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
