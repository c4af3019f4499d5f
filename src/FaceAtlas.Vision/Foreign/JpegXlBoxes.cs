using System.Buffers.Binary;

namespace FaceAtlas.Vision;

/// <summary>
/// The box container of a JPEG XL file. Magick.NET's libjxl refuses files with Brotli-compressed metadata boxes
/// (<c>brob</c>: the Exif and XMP that <c>cjxl</c> writes when it recompresses a JPEG, the commonest way a JPEG XL is
/// made), so they are left out before decoding; the metadata is read from the original bytes elsewhere.
/// </summary>
internal static class JpegXlBoxes
{
    public static byte[] WithoutCompressedMetadata(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[4..8].SequenceEqual("JXL "u8))
            return file.ToArray(); // a bare codestream has no boxes
        var kept = new MemoryStream(file.Length);
        int at = 0;
        while (at + 8 <= file.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file[at..]);
            if (size == 1)
            {
                if (at + 16 > file.Length) break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(file[(at + 8)..]);
            }
            else if (size == 0)
                size = file.Length - at;
            if (size < 8 || size > file.Length - at)
                size = file.Length - at; // a damaged box: hand the rest over as it is and let the decoder judge
            if (!file.Slice(at + 4, 4).SequenceEqual("brob"u8))
                kept.Write(file.Slice(at, (int)size));
            at += (int)size;
        }
        return kept.ToArray();
    }
}
