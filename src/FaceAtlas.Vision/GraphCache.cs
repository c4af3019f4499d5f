using System.Buffers;
using System.IO.Hashing;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace FaceAtlas.Vision;

/// <summary>
/// Keeps the graphs ONNX Runtime made of the models (edited by us, then fused and laid out for this processor), with
/// their weights in a file of their own, so that a later process neither reads and edits the model nor optimises it
/// again, and maps the weights instead of copying them (docs/BENCHMARKS.md: most of a model's loading time).
/// </summary>
/// <remarks>
/// An entry is named by a 128-bit hash of everything that decides the optimised graph: the model file's bytes, the
/// edit's name and the build of this library (whose code the edits are), the runtime's version, the processor's
/// features and the session's optimisation settings. A changed model, edit, runtime or processor therefore finds no
/// entry and makes a new one; nothing is served for a graph other than the one asked for. Entries are written in a
/// folder of their own and renamed into place whole, never changed after; one that cannot be opened is removed and
/// made again, and a cache that cannot be written is simply not used. Entries no process has opened for
/// <see cref="KeptFor"/> are removed, and of one model's entries (one a build of the program, a runtime or a processor)
/// only the <see cref="KeptPerModel"/> used last are kept.
/// </remarks>
public sealed class GraphCache
{
    internal const string GraphFile = "graph.onnx", WeightsFile = "graph.weights";
    internal static readonly TimeSpan KeptFor = TimeSpan.FromDays(30);
    internal const int KeptPerModel = 3;
    const string Scratch = ".partial";
    static readonly Lazy<string> RuntimeAndProcessor = new(DescribeRuntimeAndProcessor);

    readonly string _folder;
    int _opened, _saved;

    public GraphCache(string folder) => _folder = folder;

    /// <summary>
    /// The cache under <c>$FACEATLAS_CACHE</c>, else <c>$XDG_CACHE_HOME/faceatlas</c>, else <c>~/.cache/faceatlas</c>;
    /// none when <c>FACEATLAS_CACHE</c> is <c>off</c> or no home is known.
    /// </summary>
    public static GraphCache? FromEnvironment() =>
        FromEnvironment(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static GraphCache? FromEnvironment(Func<string, string?> variable, string? home)
    {
        var chosen = variable("FACEATLAS_CACHE");
        if (string.Equals(chosen, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrEmpty(chosen)) return new GraphCache(Path.Combine(Path.GetFullPath(chosen), "graphs"));
        var xdg = variable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return new GraphCache(Path.Combine(xdg, "faceatlas", "graphs"));
        return string.IsNullOrEmpty(home) ? null : new GraphCache(Path.Combine(home, ".cache", "faceatlas", "graphs"));
    }

    public string Folder => _folder;

    /// <summary>How many sessions this cache opened from a kept graph, and how many graphs it kept.</summary>
    internal (int Opened, int Saved) Counts => (Volatile.Read(ref _opened), Volatile.Read(ref _saved));

    /// <summary>
    /// A session for the model at <paramref name="path"/> as <paramref name="edit"/> changes it: from its kept graph
    /// when there is one, else optimised now (and kept). <paramref name="options"/> makes fresh options with
    /// everything but the optimisation level and where to save; <paramref name="recipe"/> says what in them shapes the graph.
    /// </summary>
    internal InferenceSession Open(string path, ModelEdit? edit, string recipe, Func<SessionOptions> options)
    {
        string entry = Path.Combine(_folder, $"{Path.GetFileNameWithoutExtension(path)}-{Key(path, edit, recipe)}");
        var kept = Path.Combine(entry, GraphFile);
        if (File.Exists(kept))
        {
            try
            {
                using var asKept = options();
                asKept.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
                var session = new InferenceSession(kept, asKept);
                Interlocked.Increment(ref _opened);
                MarkUsed(entry);
                return session;
            }
            catch (OnnxRuntimeException)
            {
                // Damaged (or removed as it was opened): made again below.
                TryDelete(entry);
            }
        }
        return OptimizeAndKeep(ModelSessions.Read(path, edit), entry, options);
    }

    InferenceSession OptimizeAndKeep(byte[] model, string entry, Func<SessionOptions> options)
    {
        string? scratch = TryCreateScratch(entry);
        if (scratch is not null)
        {
            try
            {
                using var saving = options();
                saving.OptimizedModelFilePath = Path.Combine(scratch, GraphFile);
                saving.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", WeightsFile);
                saving.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                var session = new InferenceSession(model, saving);
                if (TryPublish(scratch, entry)) Interlocked.Increment(ref _saved);
                return session;
            }
            catch (OnnxRuntimeException)
            {
                // The graph could not be saved (a full disk), or the model is bad: the plain session below says which.
            }
            finally
            {
                TryDelete(scratch);
            }
        }
        using var plain = options();
        return new InferenceSession(model, plain);
    }

    string? TryCreateScratch(string entry)
    {
        try
        {
            Directory.CreateDirectory(_folder);
            return Directory.CreateDirectory($"{entry}.{Guid.NewGuid():N}{Scratch}").FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Renames the written entry into place; false when another process was first (theirs is the same).</summary>
    bool TryPublish(string scratch, string entry)
    {
        try
        {
            Directory.Move(scratch, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        RemoveUnused();
        return true;
    }

    /// <summary>Notes that an entry was opened, at most once a day (a look at its time, not a write, on most starts).</summary>
    static void MarkUsed(string entry)
    {
        try
        {
            var now = DateTime.UtcNow;
            if (now - Directory.GetLastWriteTimeUtc(entry) > TimeSpan.FromDays(1)) Directory.SetLastWriteTimeUtc(entry, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Removes entries (and scratch folders of stopped processes) nobody opened for <see cref="KeptFor"/>, and a model's
    /// entries beyond the <see cref="KeptPerModel"/> used last (a program rebuilt often leaves one a build).
    /// </summary>
    void RemoveUnused()
    {
        try
        {
            var folders = new DirectoryInfo(_folder).EnumerateDirectories().ToList();
            foreach (var old in folders.Where(f => DateTime.UtcNow - f.LastWriteTimeUtc > KeptFor))
                TryDelete(old.FullName);
            var entries = folders.Where(f => !f.Name.EndsWith(Scratch, StringComparison.Ordinal) && f.Name.Contains('-'));
            foreach (var model in entries.GroupBy(f => f.Name[..f.Name.LastIndexOf('-')]))
                foreach (var surplus in model.OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptPerModel))
                    TryDelete(surplus.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// The entry's name: a hash of the model file, the edit, the runtime, the processor and the optimisation settings.
    /// (XxHash128, not SHA-256: no adversary chooses these files, and it hashes the 5 MB embedder in well under a
    /// millisecond on the thread that loads it, where .NET's SHA-256 first loads OpenSSL, some 20 ms.)
    /// </summary>
    internal static string Key(string path, ModelEdit? edit, string recipe)
    {
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes($"{RuntimeAndProcessor.Value}\n{recipe}\nedit={edit?.Name ?? "none"}\n"));
        // Read through one small buffer: the file's pages are in the page cache, fresh memory for all of it is not.
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            using var file = File.OpenHandle(path);
            long at = 0;
            for (int read; (read = RandomAccess.Read(file, buffer, at)) > 0; at += read)
                hash.Append(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>The runtime, this library's build (which holds the edits' code) and the processor.</summary>
    static string DescribeRuntimeAndProcessor()
    {
        OnnxRuntimePrivacy.Apply(); // before the runtime's first start, as everywhere
        return $"onnxruntime {OrtEnv.Instance().GetVersionString()}\nedits {typeof(GraphCache).Module.ModuleVersionId}\n" +
            $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}\n{ProcessorFeatures()}";
    }

    /// <summary>
    /// Every feature the processor reports (the kernel's list on Linux), since the runtime lays a graph out for the
    /// widest vectors it finds; elsewhere the instruction sets .NET sees.
    /// </summary>
    static string ProcessorFeatures()
    {
        try
        {
            if (File.Exists("/sys/devices/system/cpu/modalias")) return File.ReadAllText("/sys/devices/system/cpu/modalias").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return string.Join(",", new (string, bool)[]
        {
            ("avx2", Avx2.IsSupported), ("fma", Fma.IsSupported), ("avx512f", Avx512F.IsSupported), ("avx512bw", Avx512BW.IsSupported),
            ("avx512dq", Avx512DQ.IsSupported), ("avx512vbmi", Avx512Vbmi.IsSupported), ("avxvnni", AvxVnni.IsSupported),
            ("arm64-advsimd", System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported), ("arm64-dp", System.Runtime.Intrinsics.Arm.Dp.IsSupported),
        }.Where(f => f.Item2).Select(f => f.Item1));
    }
}
