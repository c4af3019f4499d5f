using System.Buffers.Binary;
using SkiaSharp;

namespace FaceAtlas.Testing;

/// <summary>
/// Camera RAW files written here from the DNG 1.4 layout, as a sensor would record a photo: one 16-bit sample per
/// pixel behind an RGGB Bayer filter, in linear light, with the colour matrix of an sRGB camera. With a preview, the
/// first image is a JPEG of the photo (as cameras embed one) and the raw data is its sub-image.
/// </summary>
public static class DngWriter
{
    public static byte[] Write(SKBitmap photo, ushort orientation = 1, byte[]? previewJpeg = null, (int Width, int Height)? previewSize = null)
    {
        int w = photo.Width & ~1, h = photo.Height & ~1;
        var raw = new byte[w * h * 2];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = photo.GetPixel(x, y);
                // R G / G B
                byte v = (y % 2, x % 2) switch { (0, 0) => c.Red, (1, 1) => c.Blue, _ => c.Green };
                BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan((y * w + x) * 2), (ushort)Math.Round(Linear(v) * 65535));
            }

        var file = new TiffBuilder();
        var rawIfd = new List<Entry>
        {
            Entry.Long(254, 0), Entry.Long(256, (uint)w), Entry.Long(257, (uint)h), Entry.Short(258, 16), Entry.Short(259, 1),
            Entry.Short(262, 32803), Entry.Blob(273, 4, []), Entry.Short(277, 1), Entry.Long(278, (uint)h), Entry.Long(279, (uint)raw.Length),
            Entry.Short(284, 1), Entry.Shorts(33421, [2, 2]), Entry.Bytes(33422, [0, 1, 1, 2]), Entry.Long(50717, 65535),
        };
        var camera = new List<Entry>
        {
            Entry.Ascii(271, "FaceAtlas"), Entry.Ascii(272, "Test sensor"), Entry.Short(274, orientation),
            Entry.Bytes(50706, [1, 4, 0, 0]), Entry.Ascii(50708, "FaceAtlas Test sensor"),
            // XYZ (D65) to the camera's RGB: sRGB's primaries, so the camera sees what the photo shows.
            Entry.SRationals(50721, [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]),
            Entry.Rationals(50728, [1, 1, 1]), Entry.Short(50778, 21),
        };
        if (previewJpeg is null)
            return file.Build([.. rawIfd, .. camera], raw, null);

        var size = previewSize ?? (w, h);
        var preview = new List<Entry>
        {
            Entry.Long(254, 1), Entry.Long(256, (uint)size.Width), Entry.Long(257, (uint)size.Height), Entry.Shorts(258, [8, 8, 8]),
            Entry.Short(259, 7), Entry.Short(262, 6), Entry.Blob(273, 4, []), Entry.Short(277, 3), Entry.Long(278, (uint)size.Height),
            Entry.Long(279, (uint)previewJpeg.Length), Entry.Short(284, 1), Entry.Long(330, 0 /* the raw IFD, patched */),
        };
        return file.Build([.. preview, .. camera], previewJpeg, (rawIfd, raw));
    }

    /// <summary>sRGB's transfer undone: the sensor records light, not display values.</summary>
    static double Linear(byte v)
    {
        double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
    }

    sealed record Entry(ushort Tag, ushort Type, uint Count, byte[] Data)
    {
        public static Entry Short(ushort tag, ushort v) => Shorts(tag, [v]);
        public static Entry Shorts(ushort tag, ushort[] v) => new(tag, 3, (uint)v.Length, v.SelectMany(x => BitConverter.GetBytes(x)).ToArray());
        public static Entry Long(ushort tag, uint v) => new(tag, 4, 1, BitConverter.GetBytes(v));
        public static Entry Bytes(ushort tag, byte[] v) => new(tag, 1, (uint)v.Length, v);
        public static Entry Ascii(ushort tag, string v) => new(tag, 2, (uint)v.Length + 1, [.. System.Text.Encoding.ASCII.GetBytes(v), 0]);
        public static Entry Blob(ushort tag, ushort type, byte[] v) => new(tag, type, 1, BitConverter.GetBytes(0u));
        public static Entry Rationals(ushort tag, double[] v) =>
            new(tag, 5, (uint)v.Length, v.SelectMany(x => BitConverter.GetBytes((uint)Math.Round(x * 10000)).Concat(BitConverter.GetBytes(10000u))).ToArray());
        public static Entry SRationals(ushort tag, double[] v) =>
            new(tag, 10, (uint)v.Length, v.SelectMany(x => BitConverter.GetBytes((int)Math.Round(x * 10000)).Concat(BitConverter.GetBytes(10000))).ToArray());
    }

    /// <summary>A little-endian TIFF of one IFD and its strip, and optionally a sub-IFD (tag 330) with a strip of its own.</summary>
    sealed class TiffBuilder
    {
        readonly List<byte> _bytes = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0];

        public byte[] Build(List<Entry> first, byte[] strip, (List<Entry> Entries, byte[] Strip)? sub)
        {
            int firstAt = 8;
            int firstEnd = firstAt + IfdSize(first);
            int subAt = Align(firstEnd + Extra(first));
            int subEnd = sub is null ? subAt : subAt + IfdSize(sub.Value.Entries);
            int stripAt = Align(sub is null ? subAt : subEnd + Extra(sub.Value.Entries));
            int subStripAt = Align(stripAt + strip.Length);
            WriteIfd(first, firstAt, stripAt, subAt);
            if (sub is { } s) WriteIfd(s.Entries, subAt, subStripAt, 0);
            Pad(stripAt);
            _bytes.AddRange(strip);
            if (sub is { } s2)
            {
                Pad(subStripAt);
                _bytes.AddRange(s2.Strip);
            }
            return [.. _bytes];
        }

        static int IfdSize(List<Entry> e) => 2 + 12 * e.Count + 4;
        static int Extra(List<Entry> e) => e.Where(x => x.Data.Length > 4).Sum(x => Align(x.Data.Length));
        static int Align(int n) => (n + 1) & ~1;
        void Pad(int to) { while (_bytes.Count < to) _bytes.Add(0); }

        void WriteIfd(List<Entry> entries, int at, int stripAt, int subAt)
        {
            Pad(at);
            var sorted = entries.OrderBy(e => e.Tag).ToList();
            int extraAt = at + IfdSize(sorted);
            var extra = new List<byte>();
            _bytes.AddRange(BitConverter.GetBytes((ushort)sorted.Count));
            foreach (var e in sorted)
            {
                var data = e.Tag switch { 273 => BitConverter.GetBytes((uint)stripAt), 330 => BitConverter.GetBytes((uint)subAt), _ => e.Data };
                _bytes.AddRange(BitConverter.GetBytes(e.Tag));
                _bytes.AddRange(BitConverter.GetBytes(e.Type));
                _bytes.AddRange(BitConverter.GetBytes(e.Count));
                if (data.Length <= 4)
                    _bytes.AddRange([.. data, .. new byte[4 - data.Length]]);
                else
                {
                    _bytes.AddRange(BitConverter.GetBytes((uint)(extraAt + extra.Count)));
                    extra.AddRange(data);
                    if (extra.Count % 2 == 1) extra.Add(0);
                }
            }
            _bytes.AddRange(BitConverter.GetBytes(0u));
            _bytes.AddRange(extra);
        }
    }
}
