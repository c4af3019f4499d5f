using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Evaluation;

/// <summary>Which face of a photo in a folder-per-person set the folder's label belongs to.</summary>
public static class LabelledFaces
{
    /// <summary>
    /// Per photo, the face whose box holds the photo's centre (nearest the centre if several do): LFW and sets made
    /// like it crop each photo around the labelled face. A face over the centre less than half as wide as the
    /// photo's largest face is a passer-by, not the subject; where no box holds the centre, or only such a face's
    /// does, the largest face weighted towards the centre (a portrait's subject is its largest face). The identity
    /// is the name of the photo's folder.
    /// </summary>
    public static List<(string Identity, FaceRecord Face)> Pick(IEnumerable<FaceRecord> faces) =>
        faces.GroupBy(f => f.Photo.Id)
            .Select(g => OverTheCentre(g.ToList()) ?? g.MaxBy(f =>
            {
                double off = CentreOffset(f) / Math.Sqrt((double)f.Photo.Width * f.Photo.Width + (double)f.Photo.Height * f.Photo.Height);
                return f.Box.Area * (1 - off) * (1 - off);
            })!)
            .Select(f => (Path.GetFileName(Path.GetDirectoryName(f.Photo.Path)!), f)).ToList();

    static FaceRecord? OverTheCentre(List<FaceRecord> photoFaces)
    {
        float largest = photoFaces.Max(f => f.Box.Width);
        return photoFaces.Where(f => HoldsCentre(f) && f.Box.Width >= largest / 2).MinBy(CentreOffset);
    }

    static bool HoldsCentre(FaceRecord f) =>
        f.Box.X <= f.Photo.Width / 2.0 && f.Photo.Width / 2.0 <= f.Box.Right && f.Box.Y <= f.Photo.Height / 2.0 && f.Photo.Height / 2.0 <= f.Box.Bottom;

    /// <summary>Pixels from the box's centre to the photo's.</summary>
    static double CentreOffset(FaceRecord f)
    {
        double dx = f.Box.X + f.Box.Width / 2 - f.Photo.Width / 2.0, dy = f.Box.Y + f.Box.Height / 2 - f.Photo.Height / 2.0;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>(identity, person) per labelled face; a face in no person is a cluster of its own.</summary>
    public static List<(string Identity, long Cluster)> Clusters(IEnumerable<FaceRecord> faces) => Clusters(Pick(faces));

    /// <summary>As above, for faces already picked.</summary>
    public static List<(string Identity, long Cluster)> Clusters(IEnumerable<(string Identity, FaceRecord Face)> labelled) =>
        labelled.Select(x => (x.Identity, x.Face.PersonId ?? -x.Face.Id)).ToList();
}
