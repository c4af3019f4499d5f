namespace FaceAtlas.Vectors;

/// <summary>
/// Each queried face's k most similar faces offered so far: one flat min-heap of k slots a face (a million faces
/// need no million heap objects). Not thread-safe: callers own a face or lock around it.
/// </summary>
public sealed class NearestFaces(int faces, int k)
{
    readonly int[] _ids = new int[faces * k];
    readonly float[] _similarities = new float[faces * k];
    readonly int[] _counts = new int[faces];

    /// <summary>Slots over all faces: at most this many neighbours are kept.</summary>
    public int Capacity => _ids.Length;

    public void Offer(int face, int other, float similarity)
    {
        var ids = _ids.AsSpan(face * k, k);
        var sims = _similarities.AsSpan(face * k, k);
        int count = _counts[face];
        if (count < k)
        {
            // Sift the new entry up from the end.
            int i = count;
            _counts[face] = count + 1;
            while (i > 0 && sims[(i - 1) / 2] > similarity)
            {
                ids[i] = ids[(i - 1) / 2]; sims[i] = sims[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            ids[i] = other; sims[i] = similarity;
            return;
        }
        if (similarity <= sims[0]) return;
        // Replace the worst (the root) and sift down.
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= k) break;
            if (child + 1 < k && sims[child + 1] < sims[child]) child++;
            if (sims[child] >= similarity) break;
            ids[at] = ids[child]; sims[at] = sims[child];
            at = child;
        }
        ids[at] = other; sims[at] = similarity;
    }

    public IEnumerable<(int Other, float Similarity)> Of(int face)
    {
        for (int i = 0; i < _counts[face]; i++)
            yield return (_ids[face * k + i], _similarities[face * k + i]);
    }
}
