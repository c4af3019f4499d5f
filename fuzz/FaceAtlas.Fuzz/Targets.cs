using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vision;
using Microsoft.Data.Sqlite;

namespace FaceAtlas.Fuzz;

/// <summary>
/// What is fuzzed. Each target lets through only the exceptions the program turns into a clear message for the
/// user; any other exception, a hang or a native crash is a finding.
/// </summary>
public static class Targets
{
    public static Action<Stream> For(string name) => name switch
    {
        "photo" => Photo,
        "catalog" => Catalog,
        "container" => Container,
        _ => throw new ArgumentException($"no fuzz target '{name}' (photo, catalog, container)"),
    };

    // The decoded-pixel limit is lowered so that each input stays fast; the code paths are the same as indexing's.
    static readonly DecodeLimits Limits = DecodeLimits.Default with { MaxDecodedPixels = 4_000_000 };

    /// <summary>Indexing's decoder at full size and at the reduced scale detection asks for, then the web app's preview.</summary>
    static void Photo(Stream input)
    {
        var bytes = ReadAll(input);
        try
        {
            using (PhotoDecoder.Decode(bytes, 1.0, Limits)) { }
            using (PhotoDecoder.Decode(bytes, 0.3, 200, Limits)) { }
        }
        catch (PhotoDecodeException)
        {
        }
    }

    /// <summary>
    /// The parts of the foreign formats FaceAtlas reads itself, before any native decoder: the sniffing of HEIF, AVIF,
    /// JPEG XL and RAW headers, the JPEG XL box walk, and the metadata reader (dates, face regions) on every container.
    /// None may throw: a damaged header is "not that format", damaged metadata is no metadata.
    /// </summary>
    static void Container(Stream input)
    {
        var bytes = ReadAll(input);
        ForeignFormat.Sniff(bytes);
        JpegXlBoxes.WithoutCompressedMetadata(bytes);
        var metadata = FaceAtlas.Core.Indexing.CaptureDates.Metadata(bytes);
        FaceAtlas.Core.Indexing.CaptureDates.Read(metadata, new FaceAtlas.Core.Catalog.PhotoFile("/fuzz.heic", bytes.Length, 0));
    }

    static readonly string CatalogPath = Path.Combine(Path.GetTempPath(), $"faceatlas-fuzz-{Environment.ProcessId}.db");

    /// <summary>A damaged catalog file opened and read the ways the commands read it, then clustered.</summary>
    static void Catalog(Stream input)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(CatalogPath + suffix);
        File.WriteAllBytes(CatalogPath, ReadAll(input));
        try
        {
            using var catalog = SqliteCatalog.Open(CatalogPath, create: false);
            catalog.Counts();
            _ = catalog.CatalogId;
            catalog.PhotosUnder("/").ToList();
            foreach (var face in catalog.Faces(withEmbeddings: true))
                catalog.FacesInPhoto(face.Photo.Id);
            catalog.FaceVectors().ToList();
            catalog.FacesChangedSince(0);
            foreach (var person in catalog.People(includeHidden: true))
                catalog.FacesOfPerson(person.Id);
            catalog.PhotosByPerson();
            catalog.PhotosWithoutPeople();
            catalog.DistinctPeople();
            new PeopleService(catalog).Cluster(full: true, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidDataException or SqliteException or FaceAtlas.Core.FaceAtlasException)
        {
            // What the CLI reports as "not a FaceAtlas catalog (…damaged)" or SQLite's own error, exit 1.
        }
    }

    static byte[] ReadAll(Stream input)
    {
        using var memory = new MemoryStream();
        input.CopyTo(memory);
        return memory.ToArray();
    }
}
