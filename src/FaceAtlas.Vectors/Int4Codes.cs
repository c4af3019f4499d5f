using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceAtlas.Vectors;

/// <summary>
/// Unit vectors at four bits a dimension, the codes the search graph is walked with: 256 bytes for a 512-D face
/// (four cache lines instead of the eight of an int8 code). At a million faces a search is bound by how many bytes
/// it pulls from memory (measured: 75 ns a random 512-byte code, 42 ns a 256-byte one); with half the bytes the
/// same walk is 1.2-1.4x faster (docs/BENCHMARKS.md). Each component becomes one of 16 levels, (u - 7.5) x step, u = 0..15, the levels spanning
/// the vector's largest component. That keeps similarities within about 0.005, enough to walk the graph; the
/// candidates are ranked again with a precise code (<see cref="SearchIndex"/>).
/// Layout: 32 bytes for each 64 dimensions, byte j holding dimension j in its low half and dimension 32 + j in
/// its high half, so that the AVX kernels need only a mask and a shift; dimensions past the vector's length (up to
/// the next multiple of 64) hold level 8 and meet zeros in every query.
/// </summary>
public static class Int4Codes
{
    /// <summary>Bytes of code for a vector of <paramref name="dims"/> dimensions.</summary>
    public static int CodeBytes(int dims) => (dims + 63) / 64 * 32;

    /// <summary>Length of a query's int8 form (dimensions rounded up to a multiple of 64, zeros past the vector).</summary>
    public static int QueryLength(int dims) => (dims + 63) / 64 * 64;

    /// <summary>Writes <paramref name="v"/>'s codes; returns the step (a level's value is (u - 7.5) x step).</summary>
    public static float Encode(ReadOnlySpan<float> v, Span<byte> code)
    {
        float max = 0;
        foreach (float x in v) max = Math.Max(max, Math.Abs(x));
        code.Fill(0x88);
        if (max == 0) return 0;
        // The 16 levels span the largest component, so that what a code misses is at most half a step in every
        // dimension and the residual code can hold it finely.
        float step = max / 7.999f;
        for (int i = 0; i < v.Length; i++)
            Set(code, i, Math.Clamp((int)MathF.Floor(v[i] / step) + 8, 0, 15));
        return step;
    }

    /// <summary>The level (0..15) of dimension <paramref name="i"/>.</summary>
    public static int Level(ReadOnlySpan<byte> code, int i)
    {
        int at = i / 64 * 32 + i % 32;
        return i % 64 < 32 ? code[at] & 0xF : code[at] >> 4;
    }

    /// <summary>The value dimension <paramref name="i"/>'s level stands for: (u - 7.5) x step.</summary>
    public static float Value(ReadOnlySpan<byte> code, int i, float step) => (Level(code, i) - 7.5f) * step;

    static void Set(Span<byte> code, int i, int level)
    {
        int at = i / 64 * 32 + i % 32;
        code[at] = i % 64 < 32 ? (byte)(code[at] & 0xF0 | level) : (byte)(code[at] & 0x0F | level << 4);
    }

    /// <summary>
    /// A coded vector as a query: 2u - 15 in each of its <paramref name="dims"/> dimensions (its levels doubled,
    /// exactly), zeros after; its factor is step / 2.
    /// </summary>
    public static void AsQuery(ReadOnlySpan<byte> code, int dims, Span<sbyte> query)
    {
        if (Avx2.IsSupported && dims % 64 == 0)
        {
            ref byte pc = ref MemoryMarshal.GetReference(code);
            ref sbyte pq = ref MemoryMarshal.GetReference(query);
            var low = Vector256.Create((byte)0x0F);
            var fifteen = Vector256.Create((sbyte)15);
            for (int i = 0, j = 0; i < code.Length; i += 32, j += 64)
            {
                var bytes = Vector256.LoadUnsafe(ref pc, (nuint)i);
                var lo = Avx2.And(bytes, low).AsSByte();
                var hi = Avx2.And(Avx2.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte(), low).AsSByte();
                Avx2.Subtract(Avx2.Add(lo, lo), fifteen).StoreUnsafe(ref pq, (nuint)j);
                Avx2.Subtract(Avx2.Add(hi, hi), fifteen).StoreUnsafe(ref pq, (nuint)j + 32);
            }
        }
        else
        {
            query.Clear();
            for (int i = 0; i < dims; i++) query[i] = (sbyte)(2 * Level(code, i) - 15);
        }
    }

    /// <summary>Σ u[i] x q[i] over a code's levels and a query's int8 form (<see cref="QueryLength"/> long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<byte> code, ReadOnlySpan<sbyte> query)
    {
        if (AvxVnni.IsSupported) return DotVnni(code, query);
        if (Avx2.IsSupported) return DotAvx2(code, query);
        return DotScalar(code, query);
    }

    internal static int DotScalar(ReadOnlySpan<byte> code, ReadOnlySpan<sbyte> query)
    {
        int sum = 0;
        for (int i = 0; i < query.Length; i++) sum += Level(code, i) * query[i];
        return sum;
    }

    /// <summary>
    /// The similarity a code gives a query: the levels' dot (<see cref="Dot"/>) less 7.5 x Σ q (the levels' offset),
    /// scaled by the code's step and the query's factor. <paramref name="querySum"/> is Σ q.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Similarity(ReadOnlySpan<byte> code, float step, ReadOnlySpan<sbyte> query, int querySum, float queryFactor) =>
        (Dot(code, query) - 7.5f * querySum) * step * queryFactor;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int DotVnni(ReadOnlySpan<byte> code, ReadOnlySpan<sbyte> query)
    {
        ref byte pc = ref MemoryMarshal.GetReference(code);
        ref sbyte pq = ref MemoryMarshal.GetReference(query);
        var low = Vector256.Create((byte)0x0F);
        var acc0 = Vector256<int>.Zero;
        var acc1 = Vector256<int>.Zero;
        for (int i = 0, j = 0; i < code.Length; i += 32, j += 64)
        {
            var bytes = Vector256.LoadUnsafe(ref pc, (nuint)i);
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, Avx2.And(bytes, low), Vector256.LoadUnsafe(ref pq, (nuint)j));
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, Avx2.And(Avx2.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte(), low),
                Vector256.LoadUnsafe(ref pq, (nuint)j + 32));
        }
        return Vector256.Sum(Avx2.Add(acc0, acc1));
    }

    /// <summary>Without VNNI: unsigned x signed bytes pair-added into shorts (at most 2 x 15 x 127, no saturation), then into ints.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int DotAvx2(ReadOnlySpan<byte> code, ReadOnlySpan<sbyte> query)
    {
        ref byte pc = ref MemoryMarshal.GetReference(code);
        ref sbyte pq = ref MemoryMarshal.GetReference(query);
        var low = Vector256.Create((byte)0x0F);
        var ones = Vector256.Create((short)1);
        var acc = Vector256<int>.Zero;
        for (int i = 0, j = 0; i < code.Length; i += 32, j += 64)
        {
            var bytes = Vector256.LoadUnsafe(ref pc, (nuint)i);
            var lo = Avx2.MultiplyAddAdjacent(Avx2.And(bytes, low), Vector256.LoadUnsafe(ref pq, (nuint)j));
            var hi = Avx2.MultiplyAddAdjacent(Avx2.And(Avx2.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte(), low),
                Vector256.LoadUnsafe(ref pq, (nuint)j + 32));
            acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.Add(lo, hi), ones));
        }
        return Vector256.Sum(acc);
    }
}

/// <summary>
/// A query as the graph scores it: int8 values (zero after the vector's dimensions, <see cref="Int4Codes.QueryLength"/>
/// long), their sum and the factor that turns them back into the vector.
/// </summary>
public readonly record struct WalkQuery(sbyte[] Values, int Sum, float Factor)
{
    /// <summary>A float vector quantised to int8 (within ~0.001 of its similarities).</summary>
    public static WalkQuery From(ReadOnlySpan<float> vector)
    {
        var values = new sbyte[Int4Codes.QueryLength(vector.Length)];
        float factor = Int8Vectors.Quantize(vector, values.AsSpan(0, vector.Length));
        return new WalkQuery(values, Total(values), factor);
    }

    /// <summary>A coded vector as a query, exactly (similarities between two coded vectors), in <paramref name="values"/>.</summary>
    public static WalkQuery FromCode(ReadOnlySpan<byte> code, int dims, float step, sbyte[] values)
    {
        Int4Codes.AsQuery(code, dims, values);
        return new WalkQuery(values, Total(values), step / 2);
    }

    static int Total(sbyte[] values)
    {
        int sum = 0;
        foreach (sbyte v in values) sum += v;
        return sum;
    }
}
