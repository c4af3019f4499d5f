using System.CommandLine;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Core.Thumbnails;

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
            var catalogPath = GlobalOptions.CatalogPath(parse);
            // The writer's lock: an index running now could be writing this person's faces.
            using var writable = CatalogAccess.OpenForWriting(catalogPath, create: false);
            long person = parse.GetValue(Person);
            var faces = new PeopleService(writable.Catalog).Forget(person);
            int thumbnails = ThumbnailCache.Beside(catalogPath).Remove(faces);
            // The index holds codes of the embeddings: erased in place (a rebuild costs minutes at a million faces).
            bool index = new FaceSearch(writable.Catalog, FaceSearch.IndexPathFor(catalogPath)).EraseRemovedFaces();
            Console.WriteLine($"forgot person {person}: {faces.Count} faces and their embeddings, {thumbnails} thumbnails" +
                              (index ? ", their entries in the search index" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
