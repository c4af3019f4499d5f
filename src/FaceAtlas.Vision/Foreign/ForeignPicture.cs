using System.Buffers.Binary;
using System.Text;

namespace FaceAtlas.Vision;

/// <summary>
/// A foreign photo decoded: upright, <see cref="Width"/> x <see cref="Height"/> RGBA pixels (opaque) of a photo whose
/// upright full size is <see cref="FullWidth"/> x <see cref="FullHeight"/>. Crosses from a decoder process to the
/// indexer as bytes (<see cref="Write"/>, <see cref="Read"/>).
/// </summary>
public sealed record ForeignPicture(int FullWidth, int FullHeight, int Width, int Height, string Format, byte[] Rgba)
{
    static ReadOnlySpan<byte> Magic => "FAPX"u8;
    const int HeaderBytes = 4 + 5 * 4;

    public void Write(Stream output)
    {
        var format = Encoding.UTF8.GetBytes(Format);
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], FullWidth);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FullHeight);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], format.Length);
        output.Write(header);
        output.Write(format);
        output.Write(Rgba);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; null when the bytes are not a whole picture.</summary>
    public static ForeignPicture? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes || !data.StartsWith(Magic)) return null;
        int fullWidth = BinaryPrimitives.ReadInt32LittleEndian(data[4..]), fullHeight = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        int width = BinaryPrimitives.ReadInt32LittleEndian(data[12..]), height = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        int formatLength = BinaryPrimitives.ReadInt32LittleEndian(data[20..]);
        if (width < 1 || height < 1 || fullWidth < width || fullHeight < height || formatLength is < 0 or > 64) return null;
        long pixels = 4L * width * height;
        if (data.Length != HeaderBytes + formatLength + pixels) return null;
        var format = Encoding.UTF8.GetString(data.Slice(HeaderBytes, formatLength));
        return new ForeignPicture(fullWidth, fullHeight, width, height, format, data[(HeaderBytes + formatLength)..].ToArray());
    }
}
