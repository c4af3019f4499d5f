using System.CommandLine;
using FaceAtlas.Core.Application;

namespace FaceAtlas.Cli.Commands;

/// <summary><c>faceatlas catalog copy SOURCE DEST</c>: a whole catalog into a new one, a file or a PostgreSQL database.</summary>
public static class CatalogCommand
{
    static readonly Argument<string> Source = new("SOURCE") { Description = "The catalog to copy: a file, or postgresql://USER@HOST/DB" };
    static readonly Argument<string> Destination = new("DEST") { Description = "A new catalog (a file that does not exist yet, or an empty database)" };

    public static Command Create()
    {
        var copy = new Command("copy", "Copy a whole catalog, every id and decision kept, between a file and PostgreSQL") { Source, Destination };
        copy.SetAction(parse =>
        {
            var source = CatalogAccess.For(CatalogLocation.Resolve(parse.GetValue(Source)));
            var destination = CatalogAccess.For(CatalogLocation.Resolve(parse.GetValue(Destination)));
            var copied = new CatalogCopyService(source, destination).Copy();
            Console.WriteLine($"Copied {source.Location} to {destination.Location}");
            foreach (var (table, rows) in copied.Tables)
                Console.WriteLine($"  {table,-16} {rows}");
            return ExitCodes.Success;
        });
        return new Command("catalog", "Work on a catalog as a whole") { copy };
    }
}
