using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Export;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Application;

/// <summary>
/// Which people an export writes. <see cref="People"/> null: every visible person; named people are written even
/// when hidden (asking for them by id is asking for them).
/// </summary>
public sealed record ExportSelection(IReadOnlySet<long>? People = null, int MinFaces = 1, bool IncludeUnknown = false);

/// <summary>A folder per person from the catalog: the choice of people and their photos, then the export itself.</summary>
public sealed class ExportService(IFaceCatalog catalog)
{
    public IReadOnlyList<ExportGroup> Plan(ExportSelection selection)
    {
        var only = selection.People;
        var people = new PeopleService(catalog).List(includeHidden: only is not null);
        if (only?.FirstOrDefault(id => people.All(p => p.Id != id)) is { } missing and not 0)
            throw new NotFoundException($"no person {missing}");
        var photos = catalog.PhotosByPerson();
        var chosen = people.Where(p => (only is null || only.Contains(p.Id)) && p.Faces >= selection.MinFaces)
            .Select(p => (p, photos.TryGetValue(p.Id, out var list) ? list : (IReadOnlyList<string>)[]));
        return PhotoExporter.Plan(chosen, selection.IncludeUnknown ? catalog.PhotosWithoutPeople() : null);
    }

    public ExportSummary Run(string destination, ExportMode mode, ExportSelection selection) =>
        new PhotoExporter(destination, mode).Run(Plan(selection));
}
