using System.CommandLine;
using System.Net;
using FaceAtlas.Web;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas serve</c>: the local web app on this machine's loopback address unless told otherwise.</summary>
public static class ServeCommand
{
    static readonly Option<int> Port = new("--port") { Description = "Port to listen on", DefaultValueFactory = _ => 5170 };
    static readonly Option<string> Bind = new("--bind")
    {
        Description = "Address to listen on; anything but loopback makes others on the network able to reach it, and then every request needs the printed token",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    static readonly Option<string[]> Watch = new("--watch")
    {
        Description = "Also index these folders and keep watching them: new photos appear in the pages within seconds",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Command Create()
    {
        var command = new Command("serve", "Browse, name, merge and search people in your browser (prints the address; opens nothing)")
            { Port, Bind, Watch, WatchReport.Rescan };
        Bind.Validators.Add(r =>
        {
            if (!IPAddress.TryParse(r.GetValueOrDefault<string>(), out _)) r.AddError("--bind wants an IP address, such as 127.0.0.1 or 0.0.0.0");
        });
        Port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--port must be between 0 and 65535");
        });
        command.SetAction(async (parse, cancel) =>
        {
            var store = CatalogAccess.Store(parse);
            var watched = parse.GetValue(Watch) ?? [];
            foreach (var path in watched.Where(p => !Path.Exists(p)))
                throw new UsageException($"--watch {path}: no such file or folder");
            // Watching makes the catalog when it is new and holds the writer's lock for as long as it serves.
            using var writer = watched.Length > 0 ? store.OpenForWriting() : null;
            using (store.Open()) { } // a missing or foreign catalog is said now, not on the first request
            var options = ServeOptions.For(store, IPAddress.Parse(parse.GetValue(Bind)!), parse.GetValue(Port), () => new Vision.FaceAnalyzer(), new Vision.PictureRenderer())
                with { Prepare = true };
            await using var app = WebServer.Build(options);
            await app.StartAsync(cancel);
            Console.WriteLine($"FaceAtlas is at {WebServer.Address(app, options)}  (Ctrl+C to stop)");
            if (options.Token is not null)
                Console.WriteLine("Listening beyond this machine: every request needs the token in that address.");
            try
            {
                if (writer is not null)
                {
                    using var analyzer = new Vision.FaceAnalyzer();
                    await WatchReport.RunAsync(store, writer, watched, analyzer, new Core.Indexing.IndexOptions { Videos = Vision.VideoAnalyzer.Find(analyzer) }, cluster: true,
                        TimeSpan.FromSeconds(parse.GetValue(WatchReport.Rescan)), Console.Out, Console.Error, cancel);
                }
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
