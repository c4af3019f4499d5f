using System.Runtime.CompilerServices;

namespace FaceAtlas.Core.People;

/// <summary>Two clusters the linkage may merge, and how alike they were when offered.</summary>
internal readonly record struct MergeOffer(float Linkage, int A, int B)
{
    /// <summary>Most alike first; a tie to the lower cluster numbers, never to the order of offers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Before(MergeOffer other) =>
        Linkage != other.Linkage ? Linkage > other.Linkage : A != other.A ? A < other.A : B < other.B;
}

/// <summary>
/// The linkage's queue of offers, 12 bytes each. A million faces queue 80 million offers over a run (each merge
/// offers the grown cluster to every neighbour again), so an offer holds no more than its order needs: the
/// framework's PriorityQueue keeps an element and a priority apart, and the versions that marked stale offers, 28
/// bytes an offer. A binary heap in one array, written out as <see cref="FaceAtlas.Vectors.NodeHeap"/> is.
/// <para>
/// Most offers queued go stale before their turn (a cluster they name grew or joined another). When the array is
/// full, those that no longer <paramref name="stand"/> are swept out in place before it grows: the queue grows only
/// for offers that still stand, and no second array is made to sweep into. What comes out, and in what order, is
/// the same: a stale offer would be passed over when its turn came.
/// </para>
/// </summary>
internal sealed class MergeOffers(int capacity, Func<MergeOffer, bool> stand)
{
    MergeOffer[] _items = new MergeOffer[Math.Max(16, capacity)];
    int _count;

    public int Count => _count;

    public void Enqueue(MergeOffer offer)
    {
        if (_count == _items.Length) SweepOrGrow();
        int i = _count++;
        var items = _items;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!offer.Before(items[parent])) break;
            items[i] = items[parent];
            i = parent;
        }
        items[i] = offer;
    }

    public bool TryDequeue(out MergeOffer offer)
    {
        if (_count == 0)
        {
            offer = default;
            return false;
        }
        offer = _items[0];
        var last = _items[--_count];
        if (_count > 0) SiftDown(0, last);
        return true;
    }

    /// <summary>Sweeps out what no longer stands; grows by half if still more than half full (so a sweep, a pass over
    /// every offer, comes at most once every so many offers queued as half the array holds).</summary>
    void SweepOrGrow()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
            if (stand(_items[i])) _items[kept++] = _items[i];
        _count = kept;
        for (int i = _count / 2 - 1; i >= 0; i--) SiftDown(i, _items[i]); // the heap made again where it lies
        if (_count > _items.Length / 2) Array.Resize(ref _items, _items.Length + _items.Length / 2);
    }

    void SiftDown(int i, MergeOffer item)
    {
        var items = _items;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && items[child + 1].Before(items[child])) child++;
            if (!items[child].Before(item)) break;
            items[i] = items[child];
            i = child;
        }
        items[i] = item;
    }
}
