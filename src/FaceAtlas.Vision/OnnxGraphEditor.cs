using System.Text;

namespace FaceAtlas.Vision;

/// <summary>
/// Just enough of the protobuf wire format to edit an ONNX model in memory: cut a graph down to the nodes some
/// outputs need, make input dimensions symbolic, and read or build the nodes, attributes and float tensors a
/// rewrite needs. Fields it does not touch are copied byte for byte; a parsed field is a slice of the bytes it was
/// read from, not a copy, and a message is written once into an array of its exact size, because at load a
/// rewrite is on the path to the first photo, and copies of a 5 MB graph level by level (into fresh memory, page
/// faults and all) cost more than the rewrite itself.
/// (ONNX field numbers: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, input = 11, output = 12,
/// value_info = 13; NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto.name = 1,
/// f = 2, i = 3, type = 20; TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9;
/// ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1, shape = 2;
/// TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2.)
/// </summary>
internal static class OnnxGraphEditor
{
    internal readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    internal sealed record Node(string OpType, string[] Inputs, string[] Outputs);

    /// <summary>
    /// Returns the model with its graph cut to the nodes <paramref name="outputs"/> depend on, those tensors as its
    /// outputs (float, shape left to inference), no stored intermediate shapes, and the input's dimensions
    /// <paramref name="symbolicDims"/> (index → name) made symbolic. An output named in <paramref name="outputNames"/>
    /// is published under that name (through an Identity node), so callers need not know a generated name.
    /// </summary>
    public static byte[] CutAndResize(byte[] model, IReadOnlyList<string> outputs, IReadOnlyDictionary<int, string> symbolicDims,
        IReadOnlyDictionary<string, string>? outputNames = null)
    {
        var top = Parse(model);
        var graph = Parse(top.Single(f => f.Number == 7).Bytes);
        var nodes = NodesOf(graph);

        // Walk back from the wanted outputs to every node they need.
        var needed = new HashSet<string>(outputs);
        var keep = new bool[nodes.Count];
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            if (!nodes[i].Outputs.Any(needed.Contains)) continue;
            keep[i] = true;
            foreach (var input in nodes[i].Inputs) needed.Add(input);
        }
        var missing = outputs.Where(o => !nodes.Any(n => n.Outputs.Contains(o))).ToList();
        if (missing.Count > 0) throw new ModelLayoutException($"no node produces {string.Join(", ", missing)}");

        var newGraph = new List<Field>(graph.Count);
        int nodeIndex = 0;
        bool inputRewritten = false;
        foreach (var f in graph)
        {
            switch (f.Number)
            {
                case 1:
                    if (keep[nodeIndex++]) newGraph.Add(f);
                    break;
                case 11 when !inputRewritten:
                    newGraph.Add(f with { Bytes = WithSymbolicDims(f.Bytes, symbolicDims) });
                    inputRewritten = true;
                    break;
                case 12:
                case 13:
                    break; // outputs are replaced below; stored intermediate shapes would contradict the new sizes
                default:
                    newGraph.Add(f);
                    break;
            }
        }
        foreach (var name in outputs)
        {
            var published = name;
            if (outputNames?.TryGetValue(name, out var renamed) == true)
            {
                newGraph.Add(NodeField("Identity", renamed, [name], [renamed]));
                published = renamed;
            }
            newGraph.Add(new Field(12, 2, 0, FloatOutput(published)));
        }
        return WithGraph(top, newGraph);
    }

    /// <summary>
    /// The model file at <paramref name="path"/> after <paramref name="edit"/>; a layout error names the file, so a
    /// damaged download says which one it is.
    /// </summary>
    public static byte[] EditFile(string path, Func<byte[], byte[]> edit)
    {
        try
        {
            return edit(File.ReadAllBytes(path));
        }
        catch (ModelLayoutException e)
        {
            throw new ModelLayoutException($"{Path.GetFileName(path)}: {e.Message}");
        }
    }

    /// <summary>
    /// The model whose top-level fields are <paramref name="top"/>, with its graph (field 7) made of
    /// <paramref name="graph"/>: written once, the graph's fields straight into the model's array.
    /// </summary>
    internal static byte[] WithGraph(List<Field> top, List<Field> graph)
    {
        int graphLength = checked((int)graph.Sum(Size));
        long length = 0;
        foreach (var f in top)
            length += f.Number == 7 ? VarintSize(7 << 3 | 2) + VarintSize((ulong)graphLength) + graphLength : Size(f);
        var result = new byte[length];
        int p = 0;
        foreach (var f in top)
        {
            if (f.Number != 7)
            {
                Write(result, ref p, f);
                continue;
            }
            WriteVarint(result, ref p, 7 << 3 | 2);
            WriteVarint(result, ref p, (ulong)graphLength);
            foreach (var g in graph) Write(result, ref p, g);
        }
        return result;
    }

    /// <summary>The nodes of a model's graph, in order (for finding tensor names).</summary>
    public static List<Node> Nodes(byte[] model) => NodesOf(Parse(Parse(model).Single(f => f.Number == 7).Bytes));

    static List<Node> NodesOf(List<Field> graph) => graph.Where(f => f.Number == 1).Select(f => ToNode(f.Bytes)).ToList();

    /// <summary>A float tensor (an initializer): its name, dimensions and values.</summary>
    internal sealed record FloatTensor(string Name, long[] Dims, float[] Values);

    internal static Node ToNode(ReadOnlyMemory<byte> encoded)
    {
        var fields = Parse(encoded);
        string S(Field f) => Encoding.UTF8.GetString(f.Bytes.Span);
        return new Node(fields.Where(f => f.Number == 4).Select(S).FirstOrDefault() ?? "",
            fields.Where(f => f.Number == 1).Select(S).ToArray(), fields.Where(f => f.Number == 2).Select(S).ToArray());
    }

    static byte[] WithSymbolicDims(ReadOnlyMemory<byte> valueInfo, IReadOnlyDictionary<int, string> symbolic)
    {
        var info = Parse(valueInfo);
        var typeIndex = info.FindIndex(f => f.Number == 2);
        var type = Parse(info[typeIndex].Bytes);
        var tensorIndex = type.FindIndex(f => f.Number == 1);
        var tensor = Parse(type[tensorIndex].Bytes);
        var shapeIndex = tensor.FindIndex(f => f.Number == 2);
        var dims = Parse(tensor[shapeIndex].Bytes);
        int d = 0;
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i].Number != 1) continue;
            if (symbolic.TryGetValue(d, out var name))
                dims[i] = dims[i] with { Bytes = Encode([new Field(2, 2, 0, Encoding.UTF8.GetBytes(name))]) };
            d++;
        }
        tensor[shapeIndex] = tensor[shapeIndex] with { Bytes = Encode(dims) };
        type[tensorIndex] = type[tensorIndex] with { Bytes = Encode(tensor) };
        info[typeIndex] = info[typeIndex] with { Bytes = Encode(type) };
        return Encode(info);
    }

    /// <summary>A ValueInfoProto naming a float tensor of any shape (a graph's output).</summary>
    internal static byte[] FloatOutput(string name)
    {
        var tensorType = Encode([new Field(1, 0, 1 /* FLOAT */, default)]);
        var type = Encode([new Field(1, 2, 0, tensorType)]);
        return Encode([new Field(1, 2, 0, Encoding.UTF8.GetBytes(name)), new Field(2, 2, 0, type)]);
    }

    /// <summary>
    /// The fields of one protobuf message, each a slice of <paramref name="bytes"/>; a
    /// <see cref="ModelLayoutException"/> when the bytes end mid-field.
    /// </summary>
    internal static List<Field> Parse(ReadOnlyMemory<byte> bytes)
    {
        var fields = new List<Field>();
        var span = bytes.Span;
        int p = 0;
        while (p < span.Length)
        {
            var (number, wire, varint, start, length) = NextField(span, ref p);
            fields.Add(new Field(number, wire, varint, wire == 0 ? default : bytes.Slice(start, length)));
        }
        return fields;
    }

    /// <summary>
    /// The field of a protobuf message that starts at <paramref name="p"/>: its number, wire type, value (wire type 0)
    /// and where its bytes lie (the others), read without copying them; <paramref name="p"/> moves past it.
    /// </summary>
    static (int Number, int Wire, ulong Varint, int Start, int Length) NextField(ReadOnlySpan<byte> bytes, ref int p)
    {
        ulong key = ReadVarint(bytes, ref p);
        int number = (int)(key >> 3), wire = (int)(key & 7);
        ulong varint = 0, length = wire switch
        {
            0 => 0,
            1 => 8,
            2 => ReadVarint(bytes, ref p),
            5 => 4,
            _ => throw new ModelLayoutException($"unexpected protobuf wire type {wire} at byte {p}: the file is damaged or not an ONNX model"),
        };
        if (wire == 0) varint = ReadVarint(bytes, ref p);
        if (length > (ulong)(bytes.Length - p)) throw Truncated(bytes.Length);
        int start = p;
        p += (int)length;
        return (number, wire, varint, start, (int)length);
    }

    static ModelLayoutException Truncated(int length) =>
        new($"the file ends inside a field ({length} bytes): it is damaged or cut short; fetch it again (scripts/fetch-models.sh)");

    /// <summary>An integer attribute of an encoded node, or <paramref name="fallback"/> when it has none.</summary>
    internal static long IntAttribute(ReadOnlyMemory<byte> node, string name, long fallback)
    {
        foreach (var f in Parse(node).Where(f => f.Number == 5))
        {
            var attribute = Parse(f.Bytes);
            if (attribute.Any(a => a.Number == 1 && Encoding.UTF8.GetString(a.Bytes.Span) == name))
                return (long)(attribute.FirstOrDefault(a => a.Number == 3).Varint);
        }
        return fallback;
    }

    /// <summary>The name of the float tensor an initializer field holds, or null when it holds another type.</summary>
    internal static string? FloatTensorName(ReadOnlyMemory<byte> tensor)
    {
        var fields = Parse(tensor);
        return fields.FirstOrDefault(f => f.Number == 2).Varint == 1 /* FLOAT */
            ? Encoding.UTF8.GetString(fields.First(f => f.Number == 8).Bytes.Span)
            : null;
    }

    /// <summary>The dimensions of an encoded tensor, read without copying its values.</summary>
    internal static long[] TensorDims(ReadOnlySpan<byte> tensor)
    {
        var dims = new List<long>();
        int p = 0;
        while (p < tensor.Length)
        {
            var (number, wire, varint, start, length) = NextField(tensor, ref p);
            if (number != 1) continue;
            if (wire == 0)
            {
                dims.Add((long)varint);
                continue;
            }
            int at = start, end = start + length; // packed
            while (at < end) dims.Add((long)ReadVarint(tensor, ref at));
            if (at > end) throw Truncated(length); // the last value runs past its field
        }
        return dims.ToArray();
    }

    /// <summary>The float tensor an initializer field holds, or null when it holds another type.</summary>
    internal static FloatTensor? ReadFloatTensor(ReadOnlyMemory<byte> tensor)
    {
        var fields = Parse(tensor);
        if (fields.FirstOrDefault(f => f.Number == 2).Varint != 1 /* FLOAT */) return null;
        var name = Encoding.UTF8.GetString(fields.First(f => f.Number == 8).Bytes.Span);
        // raw_data, or float_data packed (one field of bytes) or not (a field of four bytes a value): both little-endian
        var data = fields.Where(f => f.Number is 9 or 4).ToList();
        var values = new float[data.Sum(f => f.Bytes.Length) / 4];
        var into = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        foreach (var f in data)
        {
            int n = Math.Min(f.Bytes.Length, into.Length); // a cut-off last value is left out, as the count above does
            f.Bytes.Span[..n].CopyTo(into);
            into = into[n..];
        }
        return new FloatTensor(name, TensorDims(tensor.Span), values);
    }

    /// <summary>An initializer field (GraphProto.initializer) holding <paramref name="tensor"/> as raw little-endian floats.</summary>
    internal static Field InitializerField(FloatTensor tensor)
    {
        var raw = new byte[tensor.Values.Length * 4];
        Buffer.BlockCopy(tensor.Values, 0, raw, 0, raw.Length);
        var fields = tensor.Dims.Select(d => new Field(1, 0, (ulong)d, default)).ToList();
        fields.Add(new Field(2, 0, 1 /* FLOAT */, default));
        fields.Add(new Field(8, 2, 0, Encoding.UTF8.GetBytes(tensor.Name)));
        fields.Add(new Field(9, 2, 0, raw));
        return new Field(5, 2, 0, Encode(fields));
    }

    /// <summary>A node field (GraphProto.node) with float attributes.</summary>
    internal static Field NodeField(string opType, string name, string[] inputs, string[] outputs, params (string Name, float Value)[] floats)
    {
        var fields = inputs.Select(i => new Field(1, 2, 0, Encoding.UTF8.GetBytes(i)))
            .Concat(outputs.Select(o => new Field(2, 2, 0, Encoding.UTF8.GetBytes(o))))
            .Append(new Field(3, 2, 0, Encoding.UTF8.GetBytes(name)))
            .Append(new Field(4, 2, 0, Encoding.UTF8.GetBytes(opType)))
            .Concat(floats.Select(a => new Field(5, 2, 0, Encode([
                new Field(1, 2, 0, Encoding.UTF8.GetBytes(a.Name)),
                new Field(2, 5, 0, BitConverter.GetBytes(a.Value)),
                new Field(20, 0, 1 /* FLOAT */, default)]))));
        return new Field(1, 2, 0, Encode(fields));
    }

    /// <summary>One message of <paramref name="fields"/>, written into an array of its exact size.</summary>
    internal static byte[] Encode(IEnumerable<Field> fields)
    {
        var list = fields as IReadOnlyCollection<Field> ?? fields.ToList();
        var result = new byte[checked((int)list.Sum(Size))];
        int p = 0;
        foreach (var f in list) Write(result, ref p, f);
        return result;
    }

    /// <summary>The bytes <paramref name="f"/> takes in a message: key, length where it has one, value.</summary>
    static long Size(Field f) => VarintSize(((ulong)f.Number << 3) | (uint)f.WireType) + f.WireType switch
    {
        0 => VarintSize(f.Varint),
        2 => VarintSize((ulong)f.Bytes.Length) + f.Bytes.Length,
        _ => f.Bytes.Length,
    };

    static int VarintSize(ulong v)
    {
        int size = 1;
        while (v >= 0x80) { v >>= 7; size++; }
        return size;
    }

    static void Write(byte[] into, ref int p, Field f)
    {
        WriteVarint(into, ref p, ((ulong)f.Number << 3) | (uint)f.WireType);
        if (f.WireType == 0)
        {
            WriteVarint(into, ref p, f.Varint);
            return;
        }
        if (f.WireType == 2) WriteVarint(into, ref p, (ulong)f.Bytes.Length);
        f.Bytes.Span.CopyTo(into.AsSpan(p));
        p += f.Bytes.Length;
    }

    static ulong ReadVarint(ReadOnlySpan<byte> b, ref int p)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (p >= b.Length) throw Truncated(b.Length);
            byte x = b[p++];
            result |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return result;
        }
    }

    static void WriteVarint(byte[] into, ref int p, ulong v)
    {
        while (v >= 0x80) { into[p++] = (byte)(v | 0x80); v >>= 7; }
        into[p++] = (byte)v;
    }
}
