using FaceAtlas.Core.Faces;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>Finds the pinned model files and makes the ONNX Runtime options every model shares.</summary>
public static class ModelCatalog
{
    public const string Detector = "fr_detect.onnx";
    public const string Landmarks = "fr_landmark.onnx";
    public const string Embedder = "fr_feature.onnx";
    public const string Age = "fr_age.onnx";
    public const string Gender = "fr_gender.onnx";
    public const string Pose = "fr_pose.onnx";

    /// <summary>
    /// The folder holding the models: $FACEATLAS_MODELS, else <c>models/</c> beside the program, else the
    /// repository's <c>models/</c> above it (a development build).
    /// </summary>
    public static string FindDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FACEATLAS_MODELS");
        if (!string.IsNullOrEmpty(fromEnv))
            return Directory.Exists(fromEnv) ? fromEnv
                : throw new DirectoryNotFoundException($"FACEATLAS_MODELS points to '{fromEnv}', which does not exist");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (File.Exists(Path.Combine(candidate, Embedder)))
                return candidate;
        }
        throw new FileNotFoundException(
            $"the face models are missing: run scripts/fetch-models.sh (or set FACEATLAS_MODELS); looked beside {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// One thread per call: parallelism comes from running photos side by side, which scales better on few
    /// cores than intra-op threads; spinning is off because spinning threads starve the other workers.
    /// </summary>
    public static SessionOptions CreateOptions(int intraOpThreads = 1)
    {
        OnnxRuntimePrivacy.Apply();
        var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }
}
