using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FaceAtlas.Core.Search;

namespace FaceAtlas.Core.Tests;

/// <summary>A fact that needs Linux with transparent huge pages allowed (not "never"): skipped elsewhere, saying why.</summary>
public sealed class HugePagesFactAttribute : FactAttribute
{
    const string Setting = "/sys/kernel/mm/transparent_hugepage/enabled";

    public HugePagesFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "huge pages are asked of Linux only";
        else if (!File.Exists(Setting)) Skip = $"this kernel has no transparent huge pages ({Setting} absent)";
        else if (File.ReadAllText(Setting).Contains("[never]")) Skip = $"transparent huge pages are off here ({Setting} says never)";
    }
}

/// <summary>The index's large arrays on 2 MB pages: the advice given is the advice the kernel acted on.</summary>
public sealed partial class HugePagesTests
{
    [HugePagesFact]
    public void Should_BackTheArrayWith2MbPages_When_AdvisedOnLinux()
    {
        var codes = new byte[16 << 20];
        var pin = GCHandle.Alloc(codes, GCHandleType.Pinned);
        try
        {
            bool accepted = HugePages.Advise(codes);
            codes.AsSpan().Fill(0x88); // as codes are written once advised: these pages arrive as 2 MB ones

            Assert.True(accepted);
            long address = pin.AddrOfPinnedObject();
            long hugeKb = HugePageKilobytesAround(address + codes.Length / 2);
            // 16 MB holds at least seven whole 2 MB pages, however the array is aligned.
            Assert.True(hugeKb >= 7 * 2048, $"{hugeKb} kB of the array's mapping on huge pages");
        }
        finally
        {
            pin.Free();
        }
    }

    [Fact]
    public void Should_LeaveSmallArraysAlone_When_TheyHoldNoWholeHugePage()
    {
        Assert.False(HugePages.Advise(new byte[3 << 20]));
    }

    [GeneratedRegex("^([0-9a-f]+)-([0-9a-f]+) ")]
    private static partial Regex MappingLine();

    /// <summary>AnonHugePages of the mapping (in /proc/self/smaps) that holds <paramref name="address"/>.</summary>
    static long HugePageKilobytesAround(long address)
    {
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var mapping = MappingLine().Match(line); // "start-end perms offset ...", one per mapping
            if (mapping.Success)
            {
                long start = long.Parse(mapping.Groups[1].Value, NumberStyles.HexNumber);
                long end = long.Parse(mapping.Groups[2].Value, NumberStyles.HexNumber);
                inside = start <= address && address < end;
            }
            else if (inside && line.StartsWith("AnonHugePages:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x} in /proc/self/smaps");
    }
}
