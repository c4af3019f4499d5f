using FaceAtlas.Fuzz;
using SharpFuzz;

// faceatlas-fuzz TARGET            run under afl-fuzz (fuzz/run.sh), TARGET = photo | catalog | container
// faceatlas-fuzz seeds TARGET DIR  write the starting files for TARGET
// faceatlas-fuzz replay TARGET FILE...  run TARGET once per file, outside afl, and print what escaped
if (args is ["seeds", var target, var dir])
{
    Directory.CreateDirectory(dir);
    foreach (var (name, bytes) in target switch { "photo" or "container" => Seeds.Photos(), _ => Seeds.Catalogs() })
        File.WriteAllBytes(Path.Combine(dir, name), bytes);
    return 0;
}
if (args is ["replay", var replayed, .. var files])
{
    var run = Targets.For(replayed);
    int escaped = 0;
    foreach (var file in files)
    {
        try
        {
            using var input = File.OpenRead(file);
            run(input);
        }
        catch (Exception e)
        {
            escaped++;
            // One line a finding, the type and where in our code it escaped, so that equal findings sort together.
            var where = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("FaceAtlas.") && !l.Contains("FaceAtlas.Fuzz"))?.Trim();
            Console.WriteLine($"{e.GetType().FullName} {where}: {e.Message} [{Path.GetFileName(file)}]");
        }
    }
    Console.WriteLine($"{files.Length} inputs, {escaped} escaped");
    return escaped == 0 ? 0 : 1;
}
if (args is [var fuzzed])
{
    // In-process persistent mode: one process runs many inputs, so the .NET start-up is paid once.
    Fuzzer.Run(Targets.For(fuzzed));
    return 0;
}
Console.Error.WriteLine("usage: FaceAtlas.Fuzz photo|catalog|container | seeds TARGET DIR | replay TARGET FILE...");
return 2;
