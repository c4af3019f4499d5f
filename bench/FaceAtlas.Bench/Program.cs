using FaceAtlas.Bench;

// Usage: dotnet run -c Release --project bench/FaceAtlas.Bench -- [index|detection] [options]
var datasets = Path.GetFullPath(Path.Combine(BenchPaths.RepositoryRoot, "..", "shared", "datasets"));
if (!Directory.Exists(datasets))
{
    Console.Error.WriteLine($"bench: test photos not found at {datasets} (../shared/datasets from the repository root)");
    return 1;
}
return args.FirstOrDefault() switch
{
    "index" => await IndexBenchmark.RunAsync(datasets, args.Skip(1).ToArray()),
    "detection" => DetectionQuality.Run(datasets),
    "windows" => WindowBenchmark.Run(datasets, args.Length > 2 && args[1] == "--detector" ? args[2] : null),
    "cluster-lfw" => ClusterQuality.Run(args[1], args.Skip(2).ToArray()),
    "cluster-scale" => ClusterScale.Run(args.Skip(1).ToArray()),
    "cluster-incremental" => IncrementalQuality.Run(args[1]),
    "search-scale" => SearchScale.Run(args[1], args.Skip(2).ToArray()),
    "search-quality" => SearchQuality.Run(args[1], args.Skip(2).ToArray()),
    "shared-index" => SharedIndex.Run(datasets, args.Skip(1).ToArray()),
    "index-peer" => PeerIndex.Run(datasets, args.Skip(1).ToArray()),
    "pose" => PoseComparison.Run(datasets, args.Skip(1).ToArray()),
    "embedder" => EmbedderGraph.Run(datasets, args.Skip(1).ToArray()),
    "resize" => ResizeBenchmark.Run(datasets, args.Skip(1).ToArray()),
    "serve-load" => await ServeLoad.RunAsync(datasets, args.Skip(1).ToArray()),
    "scout" => ScoutBenchmark.Run(datasets, args.Skip(1).ToArray()),
    "attributes" => AttributeQuality.Run(datasets, args.Skip(1).ToArray()),
    "formats" => FormatBenchmark.Run(datasets, args.Skip(1).ToArray()),
    "people-writes" => PeopleWrites.Run(args.Skip(1).ToArray()),
    "big-catalog" => await BigCatalog.RunAsync(args.Skip(1).ToArray()),
    "people-sums" => PeopleSums.Run(args.Skip(1).ToArray()),
    "cluster-steps" => ClusterSteps.Run(args.Skip(1).ToArray()),
    "people-merge" => MergeAtScale.Run(args.Skip(1).ToArray()),
    "second-embedder" => SecondEmbedder.Run(datasets, args[1], args[2], args[3], args.Skip(4).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FaceAtlas.Bench index [--lfw N] [--large N] | detection");
    return 2;
}
