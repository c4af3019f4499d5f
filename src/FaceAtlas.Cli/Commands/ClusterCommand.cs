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
                Report(new PeopleService(writer.Catalog).Cluster(parse.GetValue(Full), cancel, () => Console.Error.WriteLine(WaitingWords)), Console.Out);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Said when another clustering of a shared catalog runs and this one waits its turn.</summary>
    internal const string WaitingWords = "cluster: another clustering of this catalog is running; waiting for it to finish";

    internal static void Report(ClusteringSummary s, TextWriter output) =>
        output.WriteLine($"Clustered {s.Faces} faces in {s.Elapsed.TotalSeconds:F1} s: {s.People} people ({s.NewPeople} new), " +
                         $"{s.FacesAssigned} faces in people, {s.FacesUnassigned} not in any yet");
}
