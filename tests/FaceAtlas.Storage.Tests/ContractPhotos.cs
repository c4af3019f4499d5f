using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;

namespace FaceAtlas.Storage.Tests;

/// <summary>Photos of made-up faces for the tests every backend runs.</summary>
internal static class ContractPhotos
{
    public static readonly FivePoints Points = new(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10));

    /// <summary>A unit vector leaning on dimension <paramref name="axis"/>: faces of one axis are one person.</summary>
    public static float[] Embedding(int axis, float jitter = 0)
    {
        var v = new float[512];
        v[axis] = 1;
        v[(axis + 1) % 512] = jitter;
        Embeddings.Normalize(v);
        return v;
    }

    public static PhotoOutcome.Analysed Photo(string path, params int[] axes) => new(
        new PhotoFile(path, 100 + path.Length, 1), [1, 2, (byte)path.Length],
        new PhotoAnalysis(640, 480, "JPEG", axes.Select((axis, i) => new FaceObservation(
            new FaceBox(10 + 100 * i, 20, 30, 30), 0.9f, Points, Embedding(axis, 0.01f * i),
            new FaceAttributes(30 + i, 0.2f, new HeadPose(1, 2, 3), 0.7f, 0.8f))).ToList()));

    /// <summary>A new, empty catalog in <paramref name="store"/>, opened for reading and small edits.</summary>
    public static IFaceCatalog Created(ICatalogStore store)
    {
        using (store.OpenForWriting(create: true)) { }
        return store.Open();
    }
}
