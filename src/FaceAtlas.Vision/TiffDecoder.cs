namespace FaceAtlas.Vision;

/// <summary>Baseline TIFF, which Skia does not read. Filled in below.</summary>
internal static class TiffDecoder
{
    public static bool IsTiff(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42));

    public static DecodedPhoto Decode(ReadOnlySpan<byte> encoded, DecodeLimits limits) =>
        throw new PhotoDecodeException("TIFF is not supported yet");
}
