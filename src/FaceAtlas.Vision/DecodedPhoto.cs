namespace FaceAtlas.Vision;

/// <summary>
/// A photo decoded upright (EXIF orientation applied), possibly at a reduced scale.
/// <see cref="Scale"/> maps pixels of <see cref="Image"/> back to the upright full-size photo.
/// </summary>
public sealed record DecodedPhoto(PixelImage Image, int Width, int Height, double Scale, string Format) : IDisposable
{
    public void Dispose() => Image.Dispose();
}
