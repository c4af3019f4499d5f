using System.Runtime.InteropServices;

namespace FaceAtlas.Vectors;

/// <summary>
/// Asks Linux to back a large array of the index with 2 MB pages. A search at a million faces reads some twenty
/// thousand codes and link lists scattered over a gigabyte; on 4 KB pages nearly every one of those reads also
/// misses the CPU's cache of page addresses (the TLB) and waits for a page-table walk. On 2 MB pages the whole
/// index needs ~500 entries, which the TLB holds (measured at a million faces by `search-scale --pages`:
/// docs/BENCHMARKS.md; the gain depends on how a virtual machine's host backs its memory). Only a hint: where the
/// kernel declines (huge pages "never"), or on another system, nothing else changes. FACEATLAS_HUGEPAGES=0 turns it off.
/// </summary>
public static partial class HugePages
{
    const int AdviseHugePage = 14; // MADV_HUGEPAGE: pages touched from now on come as 2 MB pages where possible
    const int AdviseCollapse = 25; // MADV_COLLAPSE (Linux 6.1): pages already touched are merged now
    const long PageBytes = 2 << 20;

    /// <summary>
    /// Advises the whole 2 MB pages inside <paramref name="array"/>; true when the kernel accepted the advice.
    /// The index's arrays are large objects, which the collector does not move (it compacts that heap only when
    /// told to, and nothing here tells it), so the advice stays with them.
    /// </summary>
    public static unsafe bool Advise<T>(T[] array) where T : unmanaged
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("FACEATLAS_HUGEPAGES") == "0") return false;
        long bytes = (long)array.Length * sizeof(T);
        if (bytes < 2 * PageBytes) return false;
        fixed (T* start = array)
        {
            long first = ((long)start + PageBytes - 1) & ~(PageBytes - 1);
            long end = ((long)start + bytes) & ~(PageBytes - 1);
            try
            {
                if (madvise((nint)first, (nuint)(end - first), AdviseHugePage) != 0) return false;
                madvise((nint)first, (nuint)(end - first), AdviseCollapse); // refused by kernels before 6.1: the first advice still holds
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}
