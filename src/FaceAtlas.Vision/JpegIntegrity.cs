namespace FaceAtlas.Vision;

/// <summary>
/// Tells a cut-off JPEG from a whole one. Skia's JPEG decoder fills the missing rows with grey and reports
/// success, so the check is done here: the main image's scan (the first SOS marker reached by walking the marker
/// segments, which skips an EXIF thumbnail) must be followed by an EOI marker. Inside entropy-coded data 0xFF is
/// always followed by 0x00 or a restart marker, so FF D9 there can only be the real end.
/// </summary>
internal static class JpegIntegrity
{
    public static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    public static bool IsComplete(ReadOnlySpan<byte> b)
    {
        int pos = 2;
        while (pos + 4 <= b.Length)
        {
            if (b[pos] != 0xFF) return false;                 // lost in the headers: treat as damaged
            byte marker = b[pos + 1];
            if (marker == 0xFF) { pos++; continue; }          // fill byte
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; }
            int length = (b[pos + 2] << 8) | b[pos + 3];
            if (marker == 0xDA)
                return b[(pos + 2 + length)..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
            pos += 2 + length;
        }
        return false;
    }
}
