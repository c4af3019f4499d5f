using System.CommandLine;
using FaceAtlas.Core.Application;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas cluster [--full]</c>: groups faces into people.</summary>
public static class ClusterCommand
{
    static readonly Option<bool> Full = new("--full")
    {
        Description = "Re-cluster every face the machine placed (your decisions stay); default: only faces without a person",
    };

    public static Command Create()
    {
        var command = new Command("cluster", "Group faces into people; new faces join existing people or form new ones") { Full };
        command.SetAction((parse, cancel) =>
        {
            var store = CatalogAccess.Store(parse);
            using (var writer = store.OpenForWriting(create: false))
            {
                var service = new IndexService(store, writer);
                service.WaitingToCluster += () => Console.Error.WriteLine(ClusteringWords.Waiting);
                service.SearchIndexChanging += message => Console.Out.WriteLine($"search: {message}");
                ClusteringWords.Write(service.Cluster(parse.GetValue(Full), cancel), Console.Out);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
