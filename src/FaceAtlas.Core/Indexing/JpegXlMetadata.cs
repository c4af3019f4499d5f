using System.Buffers.Binary;
using System.IO.Compression;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Xmp;
using MetadataExtractor.IO;

namespace FaceAtlas.Core.Indexing;

/// <summary>
/// The EXIF and XMP of a JPEG XL file, which MetadataExtractor does not read: its <c>Exif</c> and <c>xml </c> boxes,
/// or the same Brotli-compressed in <c>brob</c> boxes (how <c>cjxl</c> keeps a recompressed JPEG's metadata).
/// </summary>
internal static class JpegXlMetadata
{
    /// <summary>Metadata larger than this is no camera's: the rest is not read.</summary>
    const int MaxBoxBytes = 16 << 20;

    public static bool IsContainer(byte[] file) =>
        file.Length >= 12 && file.AsSpan(4, 4).SequenceEqual("JXL "u8) && BinaryPrimitives.ReadUInt32BigEndian(file) == 12;

    public static IReadOnlyList<MetadataExtractor.Directory> Read(byte[] file)
    {
        var directories = new List<MetadataExtractor.Directory>();
        int at = 0;
        while (at + 8 <= file.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            int header = 8;
            if (size == 1 && at + 16 <= file.Length) (size, header) = ((long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(at + 8)), 16);
            else if (size == 0) size = file.Length - at;
            if (size < header || size > file.Length - at) break;
            var type = file.AsSpan(at + 4, 4);
            var payload = file.AsSpan(at + header, (int)size - header);
            if (type.SequenceEqual("brob"u8) && payload.Length > 4 && Decompress(payload[4..]) is { } inner)
                Add(directories, payload[..4], inner);
            else
                Add(directories, type, payload);
            at += (int)size;
        }
        return directories;
    }

    static void Add(List<MetadataExtractor.Directory> directories, ReadOnlySpan<byte> type, ReadOnlySpan<byte> payload)
    {
        // Exif box: a 4-byte offset to the TIFF header, then the TIFF structure as in a JPEG's APP1.
        if (type.SequenceEqual("Exif"u8) && payload.Length > 8)
        {
            int offset = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload), (uint)payload.Length - 4);
            directories.AddRange(new ExifReader().Extract(new ByteArrayReader(payload[(4 + offset)..].ToArray())));
        }
        else if (type.SequenceEqual("xml "u8))
            directories.Add(new XmpReader().Extract(payload.ToArray()));
    }

    static byte[]? Decompress(ReadOnlySpan<byte> compressed)
    {
        var output = new byte[Math.Min(MaxBoxBytes, Math.Max(1024, compressed.Length * 16))];
        while (true)
        {
            using var decoder = new BrotliDecoder();
            var status = decoder.Decompress(compressed, output, out _, out int written);
            if (status == System.Buffers.OperationStatus.Done) return output[..written];
            if (status != System.Buffers.OperationStatus.DestinationTooSmall || output.Length >= MaxBoxBytes) return null;
            output = new byte[Math.Min(MaxBoxBytes, output.Length * 4)];
        }
    }
}
