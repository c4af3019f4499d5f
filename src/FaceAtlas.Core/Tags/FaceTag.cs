namespace FaceAtlas.Core.Tags;

/// <summary>
/// A named face region as a photo tool left it in XMP: a box in fractions of the upright photo (left, top, width,
/// height), the person's name as written, and where it was read ("embedded", or the sidecar's file name).
/// </summary>
public sealed record FaceTag(string Name, double Left, double Top, double Width, double Height, string Source)
{
    /// <summary>The box in pixels of a photo <paramref name="width"/> x <paramref name="height"/>.</summary>
    public (float X, float Y, float W, float H) InPixels(int width, int height) =>
        ((float)(Left * width), (float)(Top * height), (float)(Width * width), (float)(Height * height));
}

/// <summary>The named regions read from one photo, and what was wrong with the ones that could not be used.</summary>
public sealed record TagReading(IReadOnlyList<FaceTag> Tags, IReadOnlyList<string> Problems)
{
    public static readonly TagReading None = new([], []);

    public bool IsEmpty => Tags.Count == 0 && Problems.Count == 0;
}
