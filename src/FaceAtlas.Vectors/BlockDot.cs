using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceAtlas.Vectors;

/// <summary>
/// Dot products of four embeddings against a run of packed embeddings at once. Each candidate is loaded once for
/// four queries and each query chunk once for four candidates, so the work is bound by multiplying, not by
/// loading, as one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> a pair is
/// (the exact neighbour graph, both ways: docs/BENCHMARKS.md).
/// </summary>
public static class BlockDot
{
    /// <summary>The vectors (in <paramref name="order"/> when given) one after another in one array, as <see cref="Four"/> takes its candidates.</summary>
    public static float[] Pack(IReadOnlyList<float[]> vectors, IReadOnlyList<int>? order = null)
    {
        int count = order?.Count ?? vectors.Count, d = count == 0 ? 0 : vectors[0].Length;
        var packed = new float[(long)count * d];
        for (int i = 0; i < count; i++) vectors[order is null ? i : order[i]].CopyTo(packed.AsSpan(i * d, d));
        return packed;
    }

    /// <summary>
    /// <paramref name="scores"/>[i · count + c] = queries[i] · candidates[c], for the four queries and the
    /// <paramref name="count"/> candidates of <paramref name="d"/> floats each, packed one after another.
    /// </summary>
    public static void Four(float[] q0, float[] q1, float[] q2, float[] q3, ReadOnlySpan<float> candidates, int count, int d, Span<float> scores)
    {
        // The kernel reads without bounds checks: what it reads is checked here once.
        if (candidates.Length < count * d || scores.Length < 4 * count || Math.Min(Math.Min(q0.Length, q1.Length), Math.Min(q2.Length, q3.Length)) < d)
            throw new ArgumentException("fewer candidates, scores or query values than asked for");
        int c = 0;
        if (Vector256.IsHardwareAccelerated && d % Vector256<float>.Count == 0)
        {
            ref float k = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(candidates);
            for (; c + 4 <= count; c += 4)
            {
                ref float k0 = ref Unsafe.Add(ref k, c * d);
                FourByFour(q0, q1, q2, q3, ref k0, ref Unsafe.Add(ref k0, d), ref Unsafe.Add(ref k0, 2 * d), ref Unsafe.Add(ref k0, 3 * d),
                    d, scores, c, count);
            }
        }
        for (; c < count; c++)
        {
            var candidate = candidates.Slice(c * d, d);
            scores[c] = TensorPrimitives.Dot(q0, candidate);
            scores[count + c] = TensorPrimitives.Dot(q1, candidate);
            scores[2 * count + c] = TensorPrimitives.Dot(q2, candidate);
            scores[3 * count + c] = TensorPrimitives.Dot(q3, candidate);
        }
    }

    /// <summary>
    /// The same scores as <see cref="Four"/>, bit for bit, with the candidates read where they are:
    /// <paramref name="scores"/>[i · ids.Length + c] = queries[i] · vectors[ids[c]]. The approximate graph scores its
    /// lists this way so that no second copy of a million embeddings is made (docs/BENCHMARKS.md); each candidate is
    /// still one contiguous run, so a list stays in cache while its probers are scored.
    /// </summary>
    public static void FourAmong(float[] q0, float[] q1, float[] q2, float[] q3, IReadOnlyList<float[]> vectors, ReadOnlySpan<int> ids,
        int d, Span<float> scores)
    {
        int c = 0, count = ids.Length;
        if (scores.Length < 4 * count || Math.Min(Math.Min(q0.Length, q1.Length), Math.Min(q2.Length, q3.Length)) < d)
            throw new ArgumentException("fewer scores or query values than asked for");
        if (Vector256.IsHardwareAccelerated && d % Vector256<float>.Count == 0)
        {
            for (; c + 4 <= count; c += 4)
            {
                float[] v0 = vectors[ids[c]], v1 = vectors[ids[c + 1]], v2 = vectors[ids[c + 2]], v3 = vectors[ids[c + 3]];
                // The kernel reads without bounds checks: each candidate's length is checked here.
                if (Math.Min(Math.Min(v0.Length, v1.Length), Math.Min(v2.Length, v3.Length)) < d)
                    throw new ArgumentException("a candidate is shorter than the queries");
                FourByFour(q0, q1, q2, q3, ref v0[0], ref v1[0], ref v2[0], ref v3[0], d, scores, c, count);
            }
        }
        for (; c < count; c++)
        {
            float[] candidate = vectors[ids[c]];
            scores[c] = TensorPrimitives.Dot(q0, candidate);
            scores[count + c] = TensorPrimitives.Dot(q1, candidate);
            scores[2 * count + c] = TensorPrimitives.Dot(q2, candidate);
            scores[3 * count + c] = TensorPrimitives.Dot(q3, candidate);
        }
    }

    /// <summary>Sixteen accumulators: four queries times four candidates, eight lanes at a time.</summary>
    static void FourByFour(float[] q0, float[] q1, float[] q2, float[] q3, ref float k0, ref float k1, ref float k2, ref float k3,
        int d, Span<float> scores, int c, int count)
    {
        ref float r0 = ref q0[0], r1 = ref q1[0], r2 = ref q2[0], r3 = ref q3[0];
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
        nuint n = (nuint)d;
        for (nuint j = 0; j < n; j += (nuint)Vector256<float>.Count)
        {
            var c0 = Vector256.LoadUnsafe(ref k0, j);
            var c1 = Vector256.LoadUnsafe(ref k1, j);
            var c2 = Vector256.LoadUnsafe(ref k2, j);
            var c3 = Vector256.LoadUnsafe(ref k3, j);
            var v = Vector256.LoadUnsafe(ref r0, j);
            a00 = Vector256.FusedMultiplyAdd(v, c0, a00); a01 = Vector256.FusedMultiplyAdd(v, c1, a01);
            a02 = Vector256.FusedMultiplyAdd(v, c2, a02); a03 = Vector256.FusedMultiplyAdd(v, c3, a03);
            v = Vector256.LoadUnsafe(ref r1, j);
            a10 = Vector256.FusedMultiplyAdd(v, c0, a10); a11 = Vector256.FusedMultiplyAdd(v, c1, a11);
            a12 = Vector256.FusedMultiplyAdd(v, c2, a12); a13 = Vector256.FusedMultiplyAdd(v, c3, a13);
            v = Vector256.LoadUnsafe(ref r2, j);
            a20 = Vector256.FusedMultiplyAdd(v, c0, a20); a21 = Vector256.FusedMultiplyAdd(v, c1, a21);
            a22 = Vector256.FusedMultiplyAdd(v, c2, a22); a23 = Vector256.FusedMultiplyAdd(v, c3, a23);
            v = Vector256.LoadUnsafe(ref r3, j);
            a30 = Vector256.FusedMultiplyAdd(v, c0, a30); a31 = Vector256.FusedMultiplyAdd(v, c1, a31);
            a32 = Vector256.FusedMultiplyAdd(v, c2, a32); a33 = Vector256.FusedMultiplyAdd(v, c3, a33);
        }
        Store(scores, c, a00, a01, a02, a03);
        Store(scores, count + c, a10, a11, a12, a13);
        Store(scores, 2 * count + c, a20, a21, a22, a23);
        Store(scores, 3 * count + c, a30, a31, a32, a33);
    }

    static void Store(Span<float> scores, int at, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> e)
    {
        scores[at] = Vector256.Sum(a);
        scores[at + 1] = Vector256.Sum(b);
        scores[at + 2] = Vector256.Sum(c);
        scores[at + 3] = Vector256.Sum(e);
    }
}
