using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceAtlas.Core.Search;

/// <summary>
/// Embeddings stored as one signed byte a dimension with one scale a vector (512 bytes + 4 instead of 2,048):
/// each vector is scaled so its largest component is 127, which for 512-D unit vectors (components up to ~0.2)
/// keeps the similarity within about 0.001 of the float one. Similarity = integer dot x scale x scale. A second
/// code of what the first missed (the residual, scaled the same way) brings it within about 0.00001.
/// </summary>
internal static class Int8Vectors
{
    /// <summary>Writes <paramref name="v"/>'s codes into <paramref name="code"/>; returns the factor that turns codes back into values.</summary>
    public static float Quantize(ReadOnlySpan<float> v, Span<sbyte> code)
    {
        float max = 0;
        foreach (float x in v) max = Math.Max(max, Math.Abs(x));
        if (max == 0)
        {
            code.Clear();
            return 0;
        }
        float scale = 127 / max;
        for (int i = 0; i < v.Length; i++)
            code[i] = (sbyte)Math.Clamp((int)MathF.Round(v[i] * scale), -127, 127);
        return max / 127;
    }

    /// <summary>The integer dot product of two code vectors of equal length (a multiple of 32 for the fast path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (Avx2.IsSupported && a.Length % 32 == 0)
            return DotAvx2(a, b);
        int sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>A float query against codes: Σ q[i] * code[i] (length a multiple of 16 for the fast path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> q, ReadOnlySpan<sbyte> code)
    {
        if (Avx2.IsSupported && Fma.IsSupported && q.Length % 16 == 0)
            return DotAvx2(q, code);
        float sum = 0;
        for (int i = 0; i < q.Length; i++) sum += q[i] * code[i];
        return sum;
    }

    static float DotAvx2(ReadOnlySpan<float> q, ReadOnlySpan<sbyte> code)
    {
        ref float pq = ref MemoryMarshal.GetReference(q);
        ref sbyte pc = ref MemoryMarshal.GetReference(code);
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        for (int i = 0; i < q.Length; i += 16)
        {
            var bytes = Vector128.LoadUnsafe(ref pc, (nuint)i);
            var low = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));
            var high = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(bytes, 8)));
            acc0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref pq, (nuint)i), low, acc0);
            acc1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref pq, (nuint)i + 8), high, acc1);
        }
        return Vector256.Sum(Avx.Add(acc0, acc1));
    }

    /// <summary>16 bytes at a time, sign-extended to 16 shorts, multiplied and pair-added into 8 ints (vpmaddwd).</summary>
    static int DotAvx2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        var acc0 = Vector256<int>.Zero;
        var acc1 = Vector256<int>.Zero;
        for (int i = 0; i < a.Length; i += 32)
        {
            var a0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i));
            var b0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i));
            var a1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i + 16));
            var b1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i + 16));
            acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, b0));
            acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(a1, b1));
        }
        return Vector256.Sum(Avx2.Add(acc0, acc1));
    }
}
