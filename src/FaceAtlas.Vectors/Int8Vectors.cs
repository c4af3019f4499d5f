using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceAtlas.Vectors;

/// <summary>
/// Vectors at one signed byte a dimension with one scale a vector, the largest component at 127: a query's form
/// for scoring 4-bit codes (<see cref="WalkQuery"/>), and the search index's residual codes (what a 4-bit code
/// missed, at most half its step a component, so that int8 holds it within ~0.0001).
/// </summary>
public static class Int8Vectors
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
}
