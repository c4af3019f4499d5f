using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FaceAtlas.Vectors;

namespace FaceAtlas.Vectors.Tests;

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

/// <summary>
/// The index's large arrays on 2 MB pages: the kernel records the advice for the array's memory, where an array not
/// advised has none. Whether it then finds free 2 MB pages depends on how fragmented the machine's memory is (a
/// full test run once got 6 of the 7 whole pages an array held), so that is reported, not required.
/// </summary>
public sealed partial class HugePagesTests
{
    [HugePagesFact]
    public void Should_MarkTheArraysMemoryForHugePages_When_AdvisedOnLinux()
    {
        var codes = new byte[16 << 20];
        var other = new byte[16 << 20];
        var pins = new[] { GCHandle.Alloc(codes, GCHandleType.Pinned), GCHandle.Alloc(other, GCHandleType.Pinned) };
        try
        {
            bool accepted = HugePages.Advise(codes);
            codes.AsSpan().Fill(0x88); // as codes are written once advised: these pages arrive as 2 MB ones where the kernel has them
            other.AsSpan().Fill(0x88);

            Assert.True(accepted);
            var advised = MappingAround(pins[0].AddrOfPinnedObject() + codes.Length / 2);
            var notAdvised = MappingAround(pins[1].AddrOfPinnedObject() + other.Length / 2);
            Assert.True(advised.Flags.Contains("hg"), $"the advised array's mapping has VmFlags '{string.Join(' ', advised.Flags)}' ({advised.HugeKb} kB on huge pages)");
            Assert.DoesNotContain("hg", notAdvised.Flags);
        }
        finally
        {
            foreach (var pin in pins) pin.Free();
        }
    }

    [Fact]
    public void Should_LeaveSmallArraysAlone_When_TheyHoldNoWholeHugePage()
    {
        Assert.False(HugePages.Advise(new byte[3 << 20]));
    }

    [GeneratedRegex("^([0-9a-f]+)-([0-9a-f]+) ")]
    private static partial Regex MappingLine();

    /// <summary>
    /// The flags (VmFlags: "hg" when advised MADV_HUGEPAGE) and the AnonHugePages of the mapping in /proc/self/smaps
    /// that holds <paramref name="address"/>.
    /// </summary>
    static (string[] Flags, long HugeKb) MappingAround(long address)
    {
        bool inside = false;
        long hugeKb = 0;
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
                hugeKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            else if (inside && line.StartsWith("VmFlags:"))
                return (line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries), hugeKb); // the mapping's last line
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x} in /proc/self/smaps");
    }
}
