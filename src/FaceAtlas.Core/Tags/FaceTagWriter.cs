using System.Globalization;
using System.Xml;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using XmpCore;
using XmpCore.Options;

namespace FaceAtlas.Core.Tags;

/// <summary>
/// What writing tags did (or, in a dry run, would do) to one photo's sidecar: regions FaceAtlas adds, removes
/// (a person renamed, forgotten, a face moved) and leaves as they were; <see cref="NewFile"/>: the sidecar is made.
/// </summary>
public sealed record SidecarChange(string Photo, string Sidecar, int Added, int Removed, int Unchanged, bool NewFile);

/// <summary>What a write did in all: the sidecars changed and the photos left alone with why.</summary>
public sealed record TagWriteSummary(IReadOnlyList<SidecarChange> Changed, int SidecarsAsTheyWere, IReadOnlyList<PathProblem> Problems);

/// <summary>
/// Writes the faces of named people into XMP sidecars as MWG face regions (<c>mwg-rs:Regions</c>, the form digiKam,
/// Lightroom and exiftool read): each region the person's name, type Face, its box by centre in fractions of the
/// upright photo, and the photo's size in <c>AppliedToDimensions</c>. Never into the photo itself. Each region it
/// writes carries FaceAtlas's own field (the person's id), so a later write replaces only those: every other tag and
/// region in the sidecar stays. A sidecar whose FaceAtlas regions are already right is not touched.
/// </summary>
public sealed class FaceTagWriter(IFaceCatalog catalog)
{
    const string PersonField = "Person";

    /// <param name="people">Only these people's regions (null: every named person's, and FaceAtlas's regions of anyone else are removed).</param>
    /// <param name="paths">Only photos under these files or folders (empty: every photo in the catalog).</param>
    public TagWriteSummary Write(IReadOnlyList<long>? people, IReadOnlyList<string> paths, bool dryRun)
    {
        XmpRegions.Register();
        var service = new PeopleService(catalog);
        var chosen = people is null
            ? catalog.People(includeHidden: true).Where(p => !string.IsNullOrWhiteSpace(p.Name)).ToList()
            : people.Select(service.Get).ToList();
        foreach (var unnamed in chosen.Where(p => string.IsNullOrWhiteSpace(p.Name)))
            throw new InvalidRequestException($"person {unnamed.Id} has no name; name them first (people name {unnamed.Id} NAME)");
        var roots = paths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).ToList();
        bool Wanted(string photo) => roots.Count == 0 || roots.Any(r => photo == r || photo.StartsWith(r + "/", StringComparison.Ordinal));

        // What each photo's FaceAtlas regions should be.
        var wanted = new Dictionary<string, (PhotoRef Photo, List<Region> Regions)>(StringComparer.Ordinal);
        foreach (var person in chosen)
            foreach (var face in catalog.FacesOfPerson(person.Id).Where(f => Wanted(f.Photo.Path)))
            {
                if (!wanted.TryGetValue(face.Photo.Path, out var entry))
                    wanted[face.Photo.Path] = entry = (face.Photo, []);
                var b = face.Box;
                entry.Regions.Add(new Region(person.Name!, person.Id,
                    Round((b.X + b.Width / 2) / face.Photo.Width), Round((b.Y + b.Height / 2) / face.Photo.Height),
                    Round(b.Width / face.Photo.Width), Round(b.Height / face.Photo.Height)));
            }
        // And the photos whose sidecars may hold FaceAtlas regions that should go.
        var visit = wanted.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var root in roots.Count == 0 ? ["/"] : roots)
            foreach (var photo in catalog.PhotosUnder(root))
                if (!visit.Contains(photo.Path) && Sidecars.Existing(photo.Path).Count > 0)
                    visit.Add(photo.Path);

        var scope = people?.ToHashSet();
        var changes = new List<SidecarChange>();
        var problems = new List<PathProblem>();
        int asTheyWere = 0;
        foreach (var photo in visit.Order(StringComparer.Ordinal))
        {
            var sidecar = Sidecars.ForWriting(photo);
            bool exists = File.Exists(sidecar);
            IXmpMeta meta;
            try
            {
                meta = exists ? XmpMetaFactory.ParseFromBuffer(File.ReadAllBytes(sidecar)) : XmpMetaFactory.Create();
            }
            catch (Exception e) when (e is XmpException or XmlException or IOException or UnauthorizedAccessException)
            {
                problems.Add(new PathProblem(sidecar, $"not readable XMP ({XmpRegions.Why(e)}); left as it is"));
                continue;
            }
            var want = wanted.TryGetValue(photo, out var w) ? w.Regions : [];
            var had = Ours(meta, scope);
            var before = had.Select(h => h.Region).ToHashSet();
            var after = want.ToHashSet();
            if (before.SetEquals(after))
            {
                if (after.Count > 0) asTheyWere++;
                continue;
            }
            var change = new SidecarChange(photo, sidecar, after.Count(r => !before.Contains(r)), before.Count(r => !after.Contains(r)),
                after.Count(before.Contains), !exists);
            changes.Add(change);
            if (dryRun) continue;

            foreach (var index in had.Select(h => h.Index).OrderDescending())
                meta.DeleteArrayItem(XmpRegions.Mwg, XmpRegions.RegionList, index);
            foreach (var region in want)
                Append(meta, region);
            if (meta.DoesPropertyExist(XmpRegions.Mwg, XmpRegions.RegionList) && meta.CountArrayItems(XmpRegions.Mwg, XmpRegions.RegionList) == 0)
                meta.DeleteProperty(XmpRegions.Mwg, "mwg-rs:Regions");
            else if (w.Photo.Width > 0 && !meta.DoesPropertyExist(XmpRegions.Mwg, "mwg-rs:Regions/mwg-rs:AppliedToDimensions"))
            {
                const string dims = "mwg-rs:Regions/mwg-rs:AppliedToDimensions";
                meta.SetStructField(XmpRegions.Mwg, dims, XmpRegions.Dimensions, "w", w.Photo.Width.ToString(CultureInfo.InvariantCulture));
                meta.SetStructField(XmpRegions.Mwg, dims, XmpRegions.Dimensions, "h", w.Photo.Height.ToString(CultureInfo.InvariantCulture));
                meta.SetStructField(XmpRegions.Mwg, dims, XmpRegions.Dimensions, "unit", "pixel");
            }
            try
            {
                var bytes = XmpMetaFactory.SerializeToBuffer(meta, new SerializeOptions { OmitPacketWrapper = false });
                int bom = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0; // the packet's own header says the encoding
                WholeFile.Write(sidecar, bytes.AsSpan(bom));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                changes.Remove(change);
                problems.Add(new PathProblem(sidecar, $"cannot write: {e.Message}"));
            }
        }
        return new TagWriteSummary(changes, asTheyWere, problems);
    }

    /// <summary>A region as FaceAtlas writes it; boxes rounded so that a rewrite compares equal.</summary>
    sealed record Region(string Name, long Person, double X, double Y, double W, double H);

    static double Round(double value) => Math.Round(value, 5);

    /// <summary>The regions FaceAtlas wrote before (of <paramref name="scope"/>'s people only, when given), with their index.</summary>
    static List<(int Index, Region Region)> Ours(IXmpMeta meta, IReadOnlySet<long>? scope)
    {
        var ours = new List<(int, Region)>();
        if (!meta.DoesPropertyExist(XmpRegions.Mwg, XmpRegions.RegionList)) return ours;
        int count = meta.CountArrayItems(XmpRegions.Mwg, XmpRegions.RegionList);
        for (int i = 1; i <= count; i++)
        {
            var item = XmpPathFactory.ComposeArrayItemPath(XmpRegions.RegionList, i);
            if (!meta.DoesStructFieldExist(XmpRegions.Mwg, item, XmpRegions.FaceAtlas, PersonField)) continue;
            long.TryParse(meta.GetStructField(XmpRegions.Mwg, item, XmpRegions.FaceAtlas, PersonField)?.Value, out var person);
            if (scope is not null && !scope.Contains(person)) continue;
            string Field(string path) => meta.DoesPropertyExist(XmpRegions.Mwg, item + path) ? meta.GetPropertyString(XmpRegions.Mwg, item + path) : "";
            double Number(string path) => double.TryParse(Field(path), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            ours.Add((i, new Region(Field("/mwg-rs:Name"), person, Number("/mwg-rs:Area/stArea:x"), Number("/mwg-rs:Area/stArea:y"),
                Number("/mwg-rs:Area/stArea:w"), Number("/mwg-rs:Area/stArea:h"))));
        }
        return ours;
    }

    static void Append(IXmpMeta meta, Region region)
    {
        meta.AppendArrayItem(XmpRegions.Mwg, XmpRegions.RegionList, new PropertyOptions { IsArray = true }, null, new PropertyOptions { IsStruct = true });
        var item = XmpPathFactory.ComposeArrayItemPath(XmpRegions.RegionList, meta.CountArrayItems(XmpRegions.Mwg, XmpRegions.RegionList));
        meta.SetStructField(XmpRegions.Mwg, item, XmpRegions.Mwg, "Name", region.Name);
        meta.SetStructField(XmpRegions.Mwg, item, XmpRegions.Mwg, "Type", "Face");
        var area = item + "/mwg-rs:Area";
        foreach (var (field, value) in new[] { ("x", region.X), ("y", region.Y), ("w", region.W), ("h", region.H) })
            meta.SetStructField(XmpRegions.Mwg, area, XmpRegions.Area, field, value.ToString("0.#####", CultureInfo.InvariantCulture));
        meta.SetStructField(XmpRegions.Mwg, area, XmpRegions.Area, "unit", "normalized");
        meta.SetStructField(XmpRegions.Mwg, item, XmpRegions.FaceAtlas, PersonField, region.Person.ToString(CultureInfo.InvariantCulture));
    }
}
