namespace FaceAtlas.Vision;

/// <summary>
/// Decodes the foreign formats (<see cref="ForeignFormat"/>) to upright pixels, reduced to no less than the larger of
/// <paramref name="minScale"/> of full size and <paramref name="minLongSide"/> pixels on the long side. Throws
/// <see cref="PhotoDecodeException"/> with the reason for a file it cannot decode, never anything else for bad bytes.
/// </summary>
public interface IForeignDecoder
{
    ForeignPicture Decode(ReadOnlySpan<byte> encoded, ForeignFormat format, double minScale, int minLongSide, DecodeLimits limits);
}

/// <summary>
/// The decoder <see cref="PhotoDecoder"/> hands foreign formats to. In-process (<see cref="MagickDecoder"/>) unless
/// the program composes another: the faceatlas command decodes them in a child process of its own
/// (<see cref="DecoderProcess"/>), so that a file that crashes or hangs a native decoder costs that file alone.
/// </summary>
public static class ForeignDecoding
{
    public static IForeignDecoder Decoder { get; set; } = MagickDecoder.Instance;
}
