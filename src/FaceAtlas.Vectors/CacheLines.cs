using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FaceAtlas.Vectors;

/// <summary>
/// Asking the CPU to start loading memory a search is about to read (codes, links, residuals), so that many misses
/// are under way at once instead of one after another. A hint: without SSE it does nothing.
/// </summary>
public static class CacheLines
{
    /// <summary>Every cache line of <paramref name="bytes"/> bytes from <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(byte* start, int bytes)
    {
        if (!Sse.IsSupported) return;
        for (int offset = 0; offset < bytes; offset += 64)
            Sse.Prefetch0(start + offset);
    }
}
