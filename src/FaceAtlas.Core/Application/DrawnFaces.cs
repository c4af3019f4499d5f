using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Application;

/// <summary>
/// A face the detector missed, drawn by hand on its photo and given to a person: embedded from the drawn box, it
/// then takes part in search and clustering like any other face.
/// </summary>
public sealed class DrawnFaces(IFaceCatalog catalog, IFaceAnalyzer analyzer)
{
    /// <summary>The smallest face that can be drawn, in pixels of the photo: the detector's own floor.</summary>
    public const float MinSide = 16;

    /// <summary>
    /// Adds the face in <paramref name="box"/> (x, y, width, height in pixels of the upright photo) to
    /// <paramref name="photo"/> and puts it in <paramref name="person"/> (null: a new one, named
    /// <paramref name="name"/> when given). Returns the face and the person it is in.
    /// </summary>
    public (long Face, long Person) Add(long photo, float[] box, long? person, string? name = null)
    {
        var photoRef = catalog.Photo(photo) ?? throw new NotFoundException($"no photo {photo}");
        if (box is not [var x, var y, var w, var h] || !float.IsFinite(x + y + w + h))
            throw new InvalidRequestException("box takes four numbers: x, y, width, height");
        if (w < MinSide || h < MinSide) throw new InvalidRequestException($"a face must be at least {MinSide} pixels wide and high");
        if (x < 0 || y < 0 || x + w > photoRef.Width + 1 || y + h > photoRef.Height + 1)
            throw new InvalidRequestException($"the box must lie inside the photo ({photoRef.Width} x {photoRef.Height})");
        var people = new PeopleService(catalog);
        if (person is { } p) people.RefuseBeforeBirth(p, photoRef.Taken); // the person exists, and was born by then
        if (name is not null) people.CheckName(name);

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(photoRef.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotFoundException($"the photo cannot be read now ({e.Message}); index again");
        }
        FaceObservation face;
        try
        {
            face = analyzer.FaceAt(bytes, new FaceBox(x, y, w, h)).Face;
        }
        catch (PhotoDecodeException e)
        {
            throw new NotFoundException($"the photo cannot be read now ({e.Message}); index again");
        }
        long id = catalog.AddDrawnFace(photo, face);
        long into = people.MoveFaces([id], person);
        if (person is null && name is not null) people.Name(into, name);
        return (id, into);
    }
}
