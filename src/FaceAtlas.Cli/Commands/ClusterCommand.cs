using System.CommandLine;
using FaceAtlas.Core.People;

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
            using (var writer = CatalogAccess.Store(parse).OpenForWriting(create: false))
                ClusteringWords.Write(new PeopleService(writer.Catalog).Cluster(parse.GetValue(Full), cancel, () => Console.Error.WriteLine(ClusteringWords.Waiting)), Console.Out);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
