using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Catalog;

/// <summary>
/// What becomes of a photo's faces when it is analysed again (its file changed), the same for every catalog: faces
/// found again at the same place (IoU at least 0.5, best first) keep their ids, people and user decisions; faces
/// no longer found go; new ones come; a face where a forgotten person's was stays forgotten. A detection the user
/// said is not a face keeps its row, and so its mark, whether or not it is found again: one found at its place later
/// is still not a face.
/// </summary>
public sealed record ReanalysedFaces(
    IReadOnlyList<(long Id, FaceObservation Face)> Kept,
    IReadOnlyList<FaceObservation> Added,
    IReadOnlyList<long> Removed)
{
    const float SamePlace = 0.5f;

    /// <param name="old">The photo's faces in the catalog (not those the user drew: they stay whatever is found).</param>
    /// <param name="forgotten">Where forgotten people's faces were in this photo.</param>
    /// <param name="found">What the analysis found now.</param>
    /// <param name="notFaces">Those of <paramref name="old"/> the user said are not faces: never removed.</param>
    public static ReanalysedFaces Plan(IReadOnlyList<(long Id, FaceBox Box)> old, IReadOnlyList<FaceBox> forgotten,
        IReadOnlyList<FaceObservation> found, IReadOnlySet<long>? notFaces = null)
    {
        var left = old.ToList();
        var kept = new List<(long, FaceObservation)>();
        var added = new List<FaceObservation>();
        foreach (var face in found)
        {
            if (forgotten.Any(f => f.IoU(face.Box) >= SamePlace)) continue;
            int match = -1;
            float best = SamePlace;
            for (int i = 0; i < left.Count; i++)
                if (face.Box.IoU(left[i].Box) is var iou && iou >= best) (best, match) = (iou, i);
            if (match < 0)
            {
                added.Add(face);
                continue;
            }
            kept.Add((left[match].Id, face));
            left.RemoveAt(match);
        }
        return new ReanalysedFaces(kept, added, left.Select(l => l.Id).Where(id => notFaces?.Contains(id) != true).ToList());
    }
}
