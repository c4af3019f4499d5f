using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tags;

/// <summary>A photo as the index read it, with the named face regions its XMP holds.</summary>
public sealed record TaggedPhoto(string Path, TagReading Reading);

/// <summary>
/// What reading named regions did: regions read, matched to a detected face, added as faces of their own (drawn
/// from their box), faces newly named by them, people made for names the catalog did not have; and each region left
/// unused (a conflict with the user's own decision, or one that could not be read), with its photo.
/// </summary>
public sealed record TagSummary(int Regions, int Matched, int Drawn, int FacesNamed, int NewPeople, IReadOnlyList<PathProblem> Problems)
{
    public static readonly TagSummary None = new(0, 0, 0, 0, 0, []);

    /// <summary>Faces or people changed: clustering and the search index follow.</summary>
    public bool Changed => Drawn > 0 || FacesNamed > 0;
}

/// <summary>
/// Names faces from the regions other photo tools wrote (digiKam, Lightroom, Picasa), as if the user had placed them:
/// a region names the detected face it overlaps most, with an overlap (intersection over union) of at least
/// <see cref="MinOverlap"/>, or whose box holds its centre while its own box holds the face's (a tool's box may be
/// much larger or smaller than the detector's); each face and each region is matched once, best overlap first. A
/// named region with no face becomes a face of its own, embedded from its box as a face drawn by hand. The same name
/// (ignoring case) in several photos is one person, and a person the catalog has by that name already is that one.
/// What the user decided in FaceAtlas wins: a face they placed in a person of another name, ignored, or said is not
/// this person is left as it is and reported; so is a region naming someone whose birth day the user gave as after
/// the photo was taken (a parent's name carried to a child, or a wrong date): the birth-date rule holds for tags too.
/// </summary>
public sealed class FaceTagging(IFaceCatalog catalog, IFaceAnalyzer analyzer)
{
    public const double MinOverlap = 0.3;

    public TagSummary Apply(IReadOnlyList<TaggedPhoto> photos)
    {
        var problems = new List<PathProblem>();
        foreach (var photo in photos)
            problems.AddRange(photo.Reading.Problems.Select(p => new PathProblem(photo.Path, p)));
        if (photos.All(p => p.Reading.Tags.Count == 0))
            return TagSummary.None with { Problems = problems };

        var people = new PeopleService(catalog);
        var byName = catalog.People(includeHidden: true).Where(p => !string.IsNullOrWhiteSpace(p.Name))
            .GroupBy(p => p.Name!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Faces).ThenBy(p => p.Id).First().Id, StringComparer.OrdinalIgnoreCase);
        var stored = catalog.FacesForClustering().ToDictionary(f => f.FaceId);
        var ignored = catalog.IgnoredFaces().ToHashSet();
        int regions = 0, matched = 0, drawn = 0, named = 0, newPeople = 0;

        // In path order, so the first spelling of a name met is the same on every run.
        foreach (var photo in photos.Where(p => p.Reading.Tags.Count > 0).OrderBy(p => p.Path, StringComparer.Ordinal))
        {
            var known = catalog.PhotosUnder(photo.Path).FirstOrDefault(k => k.Path == photo.Path);
            if (known is null || catalog.Photo(known.Id) is not { } where) continue; // gone, or not usable
            regions += photo.Reading.Tags.Count;
            var faces = catalog.FacesInPhoto(where.Id);
            var pairs = Match(photo.Reading.Tags, faces, where.Width, where.Height);
            matched += pairs.Count;
            byte[]? bytes = null;
            foreach (var tag in photo.Reading.Tags.Where(t => !pairs.ContainsKey(t)))
            {
                var (x, y, w, h) = tag.InPixels(where.Width, where.Height);
                if (w < Application.DrawnFaces.MinSide || h < Application.DrawnFaces.MinSide)
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{tag.Name}' in {tag.Source}: no face found there, and its box ({w:F0} x {h:F0} pixels) is too small to be one; skipped"));
                    continue;
                }
                try
                {
                    bytes ??= File.ReadAllBytes(photo.Path);
                    long id = catalog.AddDrawnFace(where.Id, analyzer.FaceAt(bytes, new FaceBox(x, y, w, h)).Face);
                    pairs[tag] = id;
                    drawn++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or PhotoDecodeException)
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{tag.Name}' in {tag.Source}: the photo cannot be read now ({e.Message}); skipped"));
                }
            }

            foreach (var (tag, face) in pairs)
            {
                string name;
                try
                {
                    name = people.CheckName(tag.Name);
                }
                catch (InvalidRequestException e)
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{XmpRegions.Printable(tag.Name)}' in {tag.Source}: {e.Message}; skipped"));
                    continue;
                }
                long? target = byName.TryGetValue(name, out var t) ? t : null;
                stored.TryGetValue(face, out var now);
                if (now?.PersonId is { } current && current == target) continue; // named so already
                if (ignored.Contains(face))
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{name}': face {face} is ignored in FaceAtlas; kept so"));
                    continue;
                }
                if (now is { Assignment: FaceAssignment.User, PersonId: { } placed })
                {
                    var person = people.Get(placed);
                    if (person.Name is null && target is null)
                    {
                        people.Name(placed, name); // the user's unnamed person gets the name the other tool knew
                        byName[name] = placed;
                        named++;
                        continue;
                    }
                    problems.Add(new PathProblem(photo.Path, $"region '{name}': you placed face {face} in {person.DisplayName} (person {placed}); kept so"));
                    continue;
                }
                if (target is { } rejected && now is not null && now.RejectedPeople.Contains(rejected))
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{name}': you said face {face} is not {name}; kept so"));
                    continue;
                }
                if (target is { } whom && catalog.Births([whom]).TryGetValue(whom, out var born) && PersonAge.DayOf(where.Taken) is { } day && day < born)
                {
                    problems.Add(new PathProblem(photo.Path, $"region '{name}': the photo was taken {day:yyyy-MM-dd}, before {name} was born ({born:yyyy-MM-dd}); skipped"));
                    continue;
                }
                long into = people.MoveFaces([face], target);
                if (target is null)
                {
                    people.Name(into, name);
                    byName[name] = into;
                    newPeople++;
                }
                named++;
            }
        }
        return new TagSummary(regions, matched, drawn, named, newPeople, problems);
    }

    /// <summary>Regions to detected faces, one to one, best overlap first (see the class's rule).</summary>
    static Dictionary<FaceTag, long> Match(IReadOnlyList<FaceTag> tags, IReadOnlyList<FaceRecord> faces, int width, int height)
    {
        var candidates = new List<(double Overlap, FaceTag Tag, long Face)>();
        foreach (var tag in tags)
        {
            var (x, y, w, h) = tag.InPixels(width, height);
            foreach (var face in faces)
            {
                var b = face.Box;
                double iw = Math.Min(x + w, b.X + b.Width) - Math.Max(x, b.X), ih = Math.Min(y + h, b.Y + b.Height) - Math.Max(y, b.Y);
                double overlap = iw > 0 && ih > 0 ? iw * ih / (w * h + b.Width * b.Height - iw * ih) : 0;
                bool nested = Inside(x + w / 2, y + h / 2, b.X, b.Y, b.Width, b.Height)
                              && Inside(b.X + b.Width / 2, b.Y + b.Height / 2, x, y, w, h);
                if (overlap >= MinOverlap || nested) candidates.Add((overlap, tag, face.Id));
            }
        }
        var pairs = new Dictionary<FaceTag, long>(ReferenceEqualityComparer.Instance);
        var taken = new HashSet<long>();
        foreach (var (_, tag, face) in candidates.OrderByDescending(c => c.Overlap))
            if (!pairs.ContainsKey(tag) && taken.Add(face))
                pairs[tag] = face;
        return pairs;
    }

    static bool Inside(double px, double py, double x, double y, double w, double h) => px >= x && px <= x + w && py >= y && py <= y + h;
}
