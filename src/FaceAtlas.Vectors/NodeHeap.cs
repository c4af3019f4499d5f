using System.Runtime.CompilerServices;

namespace FaceAtlas.Vectors;

/// <summary>
/// A binary min-heap of graph nodes by a float key, for the graph search's two queues (the candidates keyed by
/// minus their similarity, the results by their similarity). Written out because it runs for every node a search
/// scores: the framework's PriorityQueue costs a comparer call a level and cannot replace its top in one step.
/// </summary>
public sealed class NodeHeap
{
    (float Key, int Node)[] _items = new (float, int)[256];
    int _count;

    public int Count => _count;

    /// <summary>The smallest key (the heap must not be empty).</summary>
    public float TopKey => _items[0].Key;

    /// <summary>The node with the smallest key (the heap must not be empty).</summary>
    public int TopNode => _items[0].Node;

    public void Clear() => _count = 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(float key, int node)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_items[parent].Key <= key) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = (key, node);
    }

    /// <summary>Removes and returns the item with the smallest key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (float Key, int Node) Pop()
    {
        var top = _items[0];
        var last = _items[--_count];
        if (_count > 0) SiftDown(last);
        return top;
    }

    /// <summary>Pop and push in one step (the new item goes in where the smallest was taken out).</summary>
    public void ReplaceTop(float key, int node) => SiftDown((key, node));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SiftDown((float Key, int Node) item)
    {
        var items = _items;
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && items[child + 1].Key < items[child].Key) child++;
            if (items[child].Key >= item.Key) break;
            items[i] = items[child];
            i = child;
        }
        items[i] = item;
    }
}
