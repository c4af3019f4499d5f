using System.Buffers.Binary;

namespace FaceAtlas.Vision;

/// <summary>
/// The box structure of a HEIF (HEIC, AVIF) file, read as far as telling whether it carries a rotation or mirroring
/// property (<c>irot</c>, <c>imir</c> in <c>meta/iprp/ipco</c>). libheif applies those; a file without them but with an
/// EXIF orientation (iPhones on iOS 11 wrote such files) is turned by its EXIF instead, as Apple's Photos shows it.
/// </summary>
internal static class HeifBoxes
{
    public static bool HasTransform(ReadOnlySpan<byte> file) =>
        TryChild(file, "meta"u8, out var meta) && meta.Length >= 4
        // meta is a full box: its version and flags come before its children
        && TryChild(meta[4..], "iprp"u8, out var iprp) && TryChild(iprp, "ipco"u8, out var ipco)
        && (TryChild(ipco, "irot"u8, out _) || TryChild(ipco, "imir"u8, out _));

    /// <summary>The payload of the first box of that type among <paramref name="boxes"/>; false when there is none.</summary>
    static bool TryChild(ReadOnlySpan<byte> boxes, ReadOnlySpan<byte> type, out ReadOnlySpan<byte> payload)
    {
        int at = 0;
        while (at + 8 <= boxes.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(boxes[at..]);
            int header = 8;
            if (size == 1)
            {
                if (at + 16 > boxes.Length) break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(boxes[(at + 8)..]);
                header = 16;
            }
            else if (size == 0)
                size = boxes.Length - at;
            if (size < header || size > boxes.Length - at) break;
            if (boxes.Slice(at + 4, 4).SequenceEqual(type))
            {
                payload = boxes.Slice(at + header, (int)size - header);
                return true;
            }
            at += (int)size;
        }
        payload = [];
        return false;
    }
}
