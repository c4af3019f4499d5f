using System.Buffers.Binary;

namespace FaceAtlas.Vision;

/// <summary>The families of photo formats that Skia and the baseline TIFF reader cannot decode.</summary>
public enum ForeignKind
{
    /// <summary>HEIF with HEVC inside: what iPhones (HEIC) and many Android phones save.</summary>
    Heif,
    Avif,
    JpegXl,
    /// <summary>A camera's raw sensor data (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2, PEF, ...).</summary>
    Raw,
}

/// <summary>
/// A foreign photo format recognised from a file's first bytes (never its name), with the name a person knows it by
/// (for reports: "HEIC", "AVIF", "JPEG XL", "DNG", ...).
/// </summary>
public sealed record ForeignFormat(ForeignKind Kind, string Name)
{
    /// <summary>The format <paramref name="b"/> starts as, or null when it is none of the foreign ones.</summary>
    public static ForeignFormat? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length < 12) return null;
        if (b[0] == 0xFF && b[1] == 0x0A) return new(ForeignKind.JpegXl, "JPEG XL");
        if (b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A]))
            return new(ForeignKind.JpegXl, "JPEG XL");
        if (b[4..8].SequenceEqual("ftyp"u8)) return FromBrands(b);
        if (b.StartsWith("FUJIFILMCCD-RAW"u8)) return new(ForeignKind.Raw, "RAF");
        if (b.StartsWith("IIRO"u8) || b.StartsWith("IIRS"u8) || b.StartsWith("MMOR"u8)) return new(ForeignKind.Raw, "ORF");
        if (b.StartsWith("IIU\0"u8)) return new(ForeignKind.Raw, "RW2");
        if (b.StartsWith("FOVb"u8)) return new(ForeignKind.Raw, "X3F");
        if (b.StartsWith("\0MRM"u8)) return new(ForeignKind.Raw, "MRW");
        if (b.Length >= 14 && b[6..14].SequenceEqual("HEAPCCDR"u8)) return new(ForeignKind.Raw, "CRW");
        if (TiffDecoder.IsTiff(b)) return RawTiff(b);
        return null;
    }

    /// <summary>An ISO base media file (HEIF, AVIF, Canon's CR3) by its major and compatible brands.</summary>
    static ForeignFormat? FromBrands(ReadOnlySpan<byte> b)
    {
        long size = BinaryPrimitives.ReadUInt32BigEndian(b);
        int end = (int)Math.Min(Math.Min(size, b.Length), 4096);
        var brands = new List<string>();
        for (int at = 8; at + 4 <= end; at += 4)
            if (at != 12) brands.Add(System.Text.Encoding.ASCII.GetString(b.Slice(at, 4))); // 12..16 is the minor version
        string major = brands.Count > 0 ? brands[0] : "";
        if (major == "crx ") return new(ForeignKind.Raw, "CR3");
        if (major is "avif" or "avis") return new(ForeignKind.Avif, "AVIF");
        if (major is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "hevm" or "hevs") return new(ForeignKind.Heif, "HEIC");
        // A generic HEIF (mif1, msf1) says what it holds among its compatible brands.
        if (major is "mif1" or "msf1" or "mif2" or "miaf")
        {
            if (brands.Any(x => x is "heic" or "heix" or "hevc" or "hevx")) return new(ForeignKind.Heif, "HEIF");
            if (brands.Any(x => x is "avif" or "avis")) return new(ForeignKind.Avif, "AVIF");
            return new(ForeignKind.Heif, "HEIF");
        }
        return null;
    }

    /// <summary>
    /// A TIFF that holds a camera's raw data rather than a picture: a DNG (DNGVersion), Canon's CR2 (its marker at byte 8),
    /// or a TIFF whose first image is a reduced one with the full data in sub-images or raw compression (NEF, ARW, PEF,
    /// SRW, ...). A plain TIFF is left to the baseline reader.
    /// </summary>
    static ForeignFormat? RawTiff(ReadOnlySpan<byte> b)
    {
        if (b[8] == 'C' && b[9] == 'R' && b[10] == 2) return new(ForeignKind.Raw, "CR2");
        bool little = b[0] == 'I';
        long ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(b[4..]) : BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        if (ifd < 8 || ifd + 2 > b.Length) return null;
        int count = U16(b, (int)ifd, little);
        bool subImages = false, reduced = false, rawData = false;
        for (int i = 0; i < count; i++)
        {
            long e = ifd + 2 + 12L * i;
            if (e + 12 > b.Length) break;
            ushort tag = U16(b, (int)e, little);
            uint value = U16(b, (int)e + 2, little) == 3 ? U16(b, (int)e + 8, little)
                : little ? BinaryPrimitives.ReadUInt32LittleEndian(b[((int)e + 8)..]) : BinaryPrimitives.ReadUInt32BigEndian(b[((int)e + 8)..]);
            switch (tag)
            {
                case 0xC612: return new(ForeignKind.Raw, "DNG");
                case 0x014A: subImages = true; break;
                case 0x00FE: reduced = (value & 1) != 0; break;
                // Compression a camera uses for raw data (Nikon, Pentax, Sony, Samsung), and the CFA and LinearRaw layouts.
                case 0x0103 when value is 32767 or 32769 or 32770 or 34713 or 34892 or 65000 or 65535: rawData = true; break;
                case 0x0106 when value is 32803 or 34892: rawData = true; break;
            }
        }
        return rawData || subImages || reduced ? new(ForeignKind.Raw, "camera RAW") : null;
    }

    static ushort U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
}
