using System.CommandLine;
using FaceAtlas.Core.Application;

namespace FaceAtlas.Cli.Commands;

/// <summary>
/// <c>faceatlas forget --person ID</c>: a person's faces, embeddings, thumbnails and search-index entries removed for
/// good. Their photos stay (they are the user's files); only what FaceAtlas derived from the faces goes.
/// </summary>
public static class ForgetCommand
{
    static readonly Option<long> Person = new("--person") { Description = "The person to forget", Required = true, HelpName = "ID" };

    public static Command Create()
    {
        var command = new Command("forget", "Remove a person's faces, embeddings, thumbnails and search entries for good") { Person };
        command.SetAction(parse =>
        {
            var forgotten = new ForgetService(CatalogAccess.Store(parse)).Forget(parse.GetValue(Person));
            Console.WriteLine($"forgot person {forgotten.Person}: {forgotten.Faces} faces and their embeddings, {forgotten.Thumbnails} thumbnails" +
                              (forgotten.SearchIndexErased ? ", their entries in the search index" : "") +
                              (forgotten.AveragesRemoved ? ", the saved average faces of people" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
