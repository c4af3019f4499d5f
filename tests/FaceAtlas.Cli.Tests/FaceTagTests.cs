using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace FaceAtlas.Cli.Tests;

/// <summary>
/// Names in the photos' XMP: read by index (as digiKam, Lightroom and Windows tools leave them, written here by
/// exiftool) and written by <c>tags write</c> into sidecars exiftool reads back; originals untouched.
/// </summary>
public sealed class FaceTagTests : IDisposable
{
    readonly TempFolder _temp = new();
    string Photos => _temp.File("photos");

    sealed record Face(long Id, string File, double[] Box, long? Person);

    static List<Face> Faces(string catalog) => Cli.JsonLines(["faces", "--format", "jsonl", "--catalog", catalog])
        .Select(f => new Face(f.GetProperty("face").GetInt64(), Path.GetFileName(f.GetProperty("file").GetString()!),
            f.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            f.GetProperty("person").ValueKind == JsonValueKind.Null ? null : f.GetProperty("person").GetInt64()))
        .ToList();

    static Dictionary<long, string> Names(string catalog) => Cli.JsonLines(["people", "list", "--format", "jsonl", "--catalog", catalog])
        .Where(p => p.GetProperty("name").ValueKind == JsonValueKind.String)
        .ToDictionary(p => p.GetProperty("person").GetInt64(), p => p.GetProperty("name").GetString()!);

    /// <summary>file name -> the names of the people its faces are in (sorted), as the catalog says.</summary>
    static Dictionary<string, string> NamesByFile(string catalog)
    {
        var names = Names(catalog);
        return Faces(catalog).GroupBy(f => f.File).ToDictionary(g => g.Key,
            g => string.Join(",", g.Select(f => f.Person is { } p && names.TryGetValue(p, out var n) ? n : "-").Order(StringComparer.Ordinal)));
    }

    /// <summary>Copies photos of the deepface people into the test's folder; returns the copies' paths.</summary>
    List<string> Copy(params (string Person, string File)[] photos)
    {
        Directory.CreateDirectory(Photos);
        return photos.Select(p =>
        {
            var to = Path.Combine(Photos, $"{p.Person}-{p.File}");
            File.Copy(Datasets.At("deepface-tests", p.Person, p.File), to);
            return to;
        }).ToList();
    }

    static (int W, int H) Size(string photo)
    {
        var dims = Exiftool.Run("-s3", "-ImageWidth", "-ImageHeight", photo).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(dims[0], CultureInfo.InvariantCulture), int.Parse(dims[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Each copy's one detected face, as fractions of its photo (from an index into a catalog of its own).</summary>
    Dictionary<string, (double X, double Y, double W, double H)> Boxes(IReadOnlyList<string> photos)
    {
        var probe = _temp.File("probe.db");
        Assert.Equal(0, Cli.Run(["index", Photos, "--catalog", probe, "--no-cluster"]).Exit);
        var faces = Faces(probe);
        File.Delete(probe);
        return photos.ToDictionary(p => Path.GetFileName(p), p =>
        {
            var (w, h) = Size(p);
            var box = faces.Where(f => f.File == Path.GetFileName(p)).OrderByDescending(f => f.Box[2]).First().Box;
            return (box[0] / w, box[1] / h, box[2] / w, box[3] / h);
        });
    }

    [ExiftoolFact]
    public void Should_NamePeople_When_DigikamLightroomAndWindowsTaggedThePhotos()
    {
        var photos = Copy(("person_01", "img1.jpg"), ("person_01", "img2.jpg"), ("person_01", "img4.jpg"), ("person_02", "img3.jpg"), ("person_02", "img12.jpg"));
        var boxes = Boxes(photos);
        (string, double, double, double, double) Region(string name, string photo) { var b = boxes[Path.GetFileName(photo)]; return (name, b.X, b.Y, b.W, b.H); }
        // In the photo itself (Lightroom on a JPEG, digiKam's default), in digiKam's sidecar, in Lightroom's sidecar
        // with Windows Photo Gallery's regions only; "ann" in another case is the same person.
        var (w1, h1) = Size(photos[0]);
        Exiftool.WriteMwgRegions(photos[0], w1, h1, Region("Ann", photos[0]));
        var (w2, h2) = Size(photos[1]);
        Exiftool.WriteMwgRegions(photos[1] + ".xmp", w2, h2, Region("ann", photos[1]));
        Exiftool.WriteMicrosoftRegions(Path.ChangeExtension(photos[2], ".xmp"), Region("Ann", photos[2]));
        var (w3, h3) = Size(photos[3]);
        Exiftool.WriteMwgRegions(photos[3], w3, h3, Region("Bob", photos[3]));
        var catalog = _temp.File("c.db");

        var (exit, output, error) = Cli.Run(["index", Photos, "--catalog", catalog]);

        Assert.True(exit == 0, output + error);
        Assert.Contains("names      4 named face regions read from XMP: 4 matched a face, 0 added from their box; 4 faces named, 2 new people; 0 not used", output);
        var byFile = NamesByFile(catalog);
        Assert.Equal("Ann", byFile["person_01-img1.jpg"]);
        Assert.Equal("Ann", byFile["person_01-img2.jpg"]);
        Assert.Equal("Ann", byFile["person_01-img4.jpg"]);
        Assert.Equal("Bob", byFile["person_02-img3.jpg"]);
        Assert.Equal(2, Names(catalog).Count);

        // Given: the user puts the face img2's sidecar names Ann in a person of their own, "Zoe"
        var img2 = Faces(catalog).Single(f => f.File == "person_01-img2.jpg");
        Assert.Equal(0, Cli.Run(["faces", "move", img2.Id.ToString(CultureInfo.InvariantCulture), "--to", "new", "--catalog", catalog]).Exit);
        long zoe = Faces(catalog).Single(f => f.Id == img2.Id).Person!.Value;
        Assert.Equal(0, Cli.Run(["people", "name", zoe.ToString(CultureInfo.InvariantCulture), "Zoe", "--catalog", catalog]).Exit);
        // When: another tool writes the sidecar again (the photo itself unchanged) and the folder is indexed
        File.SetLastWriteTimeUtc(photos[1] + ".xmp", DateTime.UtcNow.AddSeconds(5));
        (exit, output, _) = Cli.Run(["index", Photos, "--catalog", catalog]);

        // Then: the sidecar is read again without analysing the photo, and the user's decision stands, said
        Assert.Equal(3, exit);
        Assert.Contains("analysed   0", output);
        Assert.Contains($"region 'ann': you placed face {img2.Id} in Zoe (person {zoe}); kept so", output);
        Assert.Equal("Zoe", NamesByFile(catalog)["person_01-img2.jpg"]);
    }

    [ExiftoolFact(NeedsEncoders = true)]
    public void Should_NameFacesFromRegions_When_PhotosAreHeicAvifAndRaw()
    {
        // Given one person's photo as a HEIC and an AVIF with the region inside (as a phone app writes it), and as a DNG
        // with the region in its sidecar (as Lightroom keeps RAW files' metadata)
        Directory.CreateDirectory(Photos);
        var source = Datasets.At("deepface-tests", "person_01", "img1.jpg");
        var (heic, avif) = (Path.Combine(Photos, "a.heic"), Path.Combine(Photos, "a.avif"));
        MediaTools.Encode(source, heic);
        MediaTools.Encode(source, avif);
        var dng = Path.Combine(Photos, "a.dng");
        using (var bitmap = TestPhotos.DecodeRgba(source))
            File.WriteAllBytes(dng, DngWriter.Write(bitmap));
        var (w, h) = Size(source);
        var region = ("Ann", 0.22, 0.09, 0.6, 0.45); // around the face, in fractions of the upright photo
        Exiftool.WriteMwgRegions(heic, w, h, region);
        Exiftool.WriteMwgRegions(avif, w, h, region);
        Exiftool.WriteMwgRegions(dng + ".xmp", w & ~1, h & ~1, region);
        var catalog = _temp.File("c.db");

        var (exit, output, error) = Cli.Run(["index", Photos, "--catalog", catalog]);

        // Then each face is Ann's
        Assert.True(exit == 0, output + error);
        Assert.Contains("3 named face regions read from XMP: 3 matched a face", output);
        Assert.Equal(new Dictionary<string, string> { ["a.avif"] = "Ann", ["a.dng"] = "Ann", ["a.heic"] = "Ann" },
            NamesByFile(catalog).ToDictionary(p => Path.GetFileName(p.Key), p => p.Value));
    }

    [ExiftoolFact]
    public void Should_AddTheFaceFromItsRegion_When_TheDetectorFindsNoFaceThere()
    {
        // The couple photo's two faces where the detector finds them, and a third region drawn where it finds none
        // (as a tool's user draws a face the detector missed: someone turned away, in the dark).
        var probe = _temp.File("probe.db");
        Directory.CreateDirectory(Photos);
        var couple = Path.Combine(Photos, "couple.jpg");
        File.Copy(Datasets.At("group-photos", "deepface_couple.jpg"), couple);
        Assert.Equal(0, Cli.Run(["index", Photos, "--catalog", probe, "--no-cluster"]).Exit);
        var found = Faces(probe).OrderBy(f => f.Box[0]).ToList();
        Assert.Equal(2, found.Count);
        var (w, h) = Size(couple);
        (string, double, double, double, double) Region(string name, double[] b) => (name, b[0] / w, b[1] / h, b[2] / w, b[3] / h);
        double[] missed = [20, 20, 200, 200];
        Exiftool.WriteMwgRegions(couple + ".xmp", w, h, Region("Angelina", found[0].Box), Region("Brad", found[1].Box), Region("Someone", missed));
        var catalog = _temp.File("c.db");

        var (exit, output, error) = Cli.Run(["index", Photos, "--catalog", catalog]);

        // Then: the two regions name the detected faces; the third is a face of its own, where it says, named
        Assert.True(exit == 0, output + error);
        Assert.Contains("faces      2 found now; 3 in the catalog", output);
        Assert.Contains("3 named face regions read from XMP: 2 matched a face, 1 added from their box; 3 faces named, 3 new people", output);
        var names = Names(catalog);
        var faces = Faces(catalog).OrderBy(f => f.Box[0]).ToList();
        Assert.Equal(["Someone", "Angelina", "Brad"], faces.Select(f => names[f.Person!.Value]));
        Assert.Equal(found.Select(f => f.Box), faces.Skip(1).Select(f => f.Box));
        for (int k = 0; k < 4; k++)
            Assert.InRange(faces[0].Box[k], missed[k] - 1, missed[k] + 1);
    }

    [ExiftoolFact]
    public void Should_GiveTheSamePeopleBack_When_TagsAreWrittenAndAnotherCatalogReadsThem()
    {
        var photos = Copy(("person_01", "img1.jpg"), ("person_01", "img2.jpg"), ("person_01", "img4.jpg"),
            ("person_02", "img3.jpg"), ("person_02", "img12.jpg"), ("person_03", "img47.jpg"), ("person_03", "img48.jpg"));
        var hashes = photos.ToDictionary(p => p, p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));
        var first = _temp.File("first.db");
        Assert.Equal(0, Cli.Run(["index", Photos, "--catalog", first]).Exit);
        var faces = Faces(first);
        Assert.Equal(7, faces.Count);
        long Place(string prefix, string name)
        {
            var ids = faces.Where(f => f.File.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(0, Cli.Run(["faces", "move", .. ids, "--to", "new", "--catalog", first]).Exit);
            long person = Faces(first).First(f => f.File.StartsWith(prefix, StringComparison.Ordinal)).Person!.Value;
            Assert.Equal(0, Cli.Run(["people", "name", person.ToString(CultureInfo.InvariantCulture), name, "--catalog", first]).Exit);
            return person;
        }
        long bob = Place("person_02", "Bob"), carla = Place("person_03", "Carla");
        Place("person_01", "Ann Lee");
        faces = Faces(first);
        // A sidecar another tool made already: a keyword, and a region of its own
        var img1Sidecar = photos[0] + ".xmp";
        Exiftool.Run("-q", "-XMP-dc:Subject=holiday", img1Sidecar);
        var (w, h) = Size(photos[0]);
        Exiftool.WriteMwgRegions(img1Sidecar, w, h, type: "Pet", ("Dog", 0.0, 0.8, 0.2, 0.2));

        // When: a dry run, then the write
        var dry = Cli.Run(["tags", "write", "--dry-run", "--catalog", first]);
        Assert.Equal(0, dry.Exit);
        Assert.Contains("would write 7 sidecars (7 regions added, 0 removed)", dry.Out);
        Assert.Single(Directory.GetFiles(Photos, "*.xmp"));
        var write = Cli.Run(["tags", "write", "--catalog", first]);

        // Then: exiftool reads the names and boxes; the other tool's keyword and region are still there
        Assert.True(write.Exit == 0, write.Out + write.Err);
        Assert.Contains("wrote 7 sidecars (7 regions added, 0 removed)", write.Out);
        var read = Exiftool.Run("-s3", "-sep", ";", "-XMP-mwg-rs:RegionName", "-XMP-mwg-rs:RegionType", "-XMP-mwg-rs:RegionAreaX",
            "-XMP-mwg-rs:RegionAreaW", "-XMP-dc:Subject", img1Sidecar).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Dog;Ann Lee", read[0]);
        Assert.Equal("Pet;Face", read[1]);
        var box = faces.Single(f => f.File == "person_01-img1.jpg").Box;
        // The listing rounds boxes to 0.1 px and the sidecar to 5 decimals: within that, not to rounded digits
        // (two values 0.00003 apart can round to different fourth decimals).
        double tolerance = 0.1 / w + 1e-5;
        Assert.Equal((box[0] + box[2] / 2) / w, double.Parse(read[2].Split(';')[1], CultureInfo.InvariantCulture), tolerance);
        Assert.Equal(box[2] / w, double.Parse(read[3].Split(';')[1], CultureInfo.InvariantCulture), tolerance);
        Assert.Equal("holiday", read[4]);
        var bobSidecar = Exiftool.Run("-s3", "-XMP-mwg-rs:RegionName", photos[3] + ".xmp").Trim();
        Assert.Equal("Bob", bobSidecar);
        Assert.All(photos, p => Assert.Equal(hashes[p], Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))));

        // And: a fresh catalog of the folder has the same people with the same names
        var second = _temp.File("second.db");
        var (exit, output, error) = Cli.Run(["index", Photos, "--catalog", second]);
        Assert.True(exit == 0, output + error);
        Assert.Equal(NamesByFile(first), NamesByFile(second));

        // When: nothing changed, written again: nothing is touched
        var times = Directory.GetFiles(Photos, "*.xmp").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Contains("wrote 0 sidecars (0 regions added, 0 removed); 7 already up to date", Cli.Run(["tags", "write", "--catalog", first]).Out);
        Assert.All(times, t => Assert.Equal(t.Value, File.GetLastWriteTimeUtc(t.Key)));

        // When: Bob is renamed and Carla forgotten in the first catalog, and tags written again
        Assert.Equal(0, Cli.Run(["people", "name", bob.ToString(CultureInfo.InvariantCulture), "Robert", "--catalog", first]).Exit);
        Assert.Equal(0, Cli.Run(["forget", "--person", carla.ToString(CultureInfo.InvariantCulture), "--catalog", first]).Exit);
        write = Cli.Run(["tags", "write", "--catalog", first]);

        // Then: Bob's regions say Robert, Carla's are gone, the other tool's region stays
        Assert.True(write.Exit == 0, write.Out + write.Err);
        Assert.Contains("wrote 4 sidecars (2 regions added, 4 removed)", write.Out);
        Assert.Equal("Robert", Exiftool.Run("-s3", "-XMP-mwg-rs:RegionName", photos[3] + ".xmp").Trim());
        Assert.Equal("", Exiftool.Run("-s3", "-XMP-mwg-rs:RegionName", photos[5] + ".xmp").Trim());
        Assert.Equal("Dog;Ann Lee", Exiftool.Run("-s3", "-sep", ";", "-XMP-mwg-rs:RegionName", img1Sidecar).Trim());
        Assert.All(photos, p => Assert.Equal(hashes[p], Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))));
    }

    [ExiftoolFact]
    public void Should_ReportAndSkipTheRegion_When_ItsSidecarIsNotXmlOrItsValuesAreAbsurd()
    {
        var photos = Copy(("person_01", "img1.jpg"), ("person_01", "img2.jpg"));
        File.WriteAllText(photos[0] + ".xmp", "this is not XML <<<");
        File.WriteAllText(Path.ChangeExtension(photos[1], ".xmp"), """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#">
            <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
            <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Negative</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area stArea:x="-0.5" stArea:y="0.5" stArea:w="0.2" stArea:h="0.2" stArea:unit="normalized"/></rdf:li>
            <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Huge</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="3" stArea:h="0.2" stArea:unit="normalized"/></rdf:li>
            <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Not a number</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area stArea:x="NaN" stArea:y="0.5" stArea:w="0.2" stArea:h="0.2" stArea:unit="normalized"/></rdf:li>
            <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Line&#xA;Break</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area stArea:x="0.5" stArea:y="0.3" stArea:w="0.5" stArea:h="0.4" stArea:unit="normalized"/></rdf:li>
            </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>
            """);
        var catalog = _temp.File("c.db");

        var (exit, output, _) = Cli.Run(["index", Photos, "--catalog", catalog]);

        // Then: each bad region and the bad sidecar said, with its photo; both photos indexed with their faces
        Assert.Equal(3, exit);
        Assert.Contains("  failed     0", output);
        Assert.Contains("5 not used", output);
        Assert.Contains("person_01-img1.jpg: sidecar person_01-img1.jpg.xmp: not readable XMP", output);
        Assert.Contains("region 'Negative' in person_01-img2.xmp: its box (-0.6, 0.4, 0.2 x 0.2 of the photo) lies outside the photo; skipped", output);
        Assert.Contains("region 'Huge' in person_01-img2.xmp: its box (-1, 0.4, 3 x 0.2 of the photo) lies outside the photo; skipped", output);
        Assert.Contains("region 'Not a number' in person_01-img2.xmp: its box is not four numbers; skipped", output);
        Assert.Contains("region 'Line?Break' in person_01-img2.xmp: the name holds control characters; skipped", output);
        Assert.Equal(2, Faces(catalog).Select(f => f.File).Distinct().Count());
        Assert.Empty(Names(catalog));
    }

    public void Dispose() => _temp.Dispose();
}
