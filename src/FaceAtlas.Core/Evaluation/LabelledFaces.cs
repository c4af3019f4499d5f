using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Evaluation;

/// <summary>Which face of a photo in a folder-per-person set the folder's label belongs to.</summary>
public static class LabelledFaces
{
    /// <summary>
    /// Per photo, the largest face weighted towards the centre (LFW labels the face nearest the centre; a portrait's
    /// subject is its largest face), with the name of the photo's folder as its identity.
    /// </summary>
    public static List<(string Identity, FaceRecord Face)> Pick(IEnumerable<FaceRecord> faces) =>
        faces.GroupBy(f => f.Photo.Id)
            .Select(g => g.MaxBy(f =>
            {
                double dx = f.Box.X + f.Box.Width / 2 - f.Photo.Width / 2.0, dy = f.Box.Y + f.Box.Height / 2 - f.Photo.Height / 2.0;
                double off = Math.Sqrt(dx * dx + dy * dy) / Math.Sqrt((double)f.Photo.Width * f.Photo.Width + (double)f.Photo.Height * f.Photo.Height);
                return f.Box.Area * (1 - off) * (1 - off);
            })!)
            .Select(f => (Path.GetFileName(Path.GetDirectoryName(f.Photo.Path)!), f)).ToList();

    /// <summary>(identity, person) per labelled face; a face in no person is a cluster of its own.</summary>
    public static List<(string Identity, long Cluster)> Clusters(IEnumerable<FaceRecord> faces) => Clusters(Pick(faces));

    /// <summary>As above, for faces already picked.</summary>
    public static List<(string Identity, long Cluster)> Clusters(IEnumerable<(string Identity, FaceRecord Face)> labelled) =>
        labelled.Select(x => (x.Identity, x.Face.PersonId ?? -x.Face.Id)).ToList();
}
