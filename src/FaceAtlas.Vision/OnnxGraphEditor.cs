using System.Text;

namespace FaceAtlas.Vision;

/// <summary>
/// Just enough of the protobuf wire format to edit an ONNX model in memory: cut a graph down to the nodes some
/// outputs need, and make input dimensions symbolic. Fields it does not touch are copied byte for byte.
/// (ONNX field numbers: ModelProto.graph = 7; GraphProto.node = 1, input = 11, output = 12, value_info = 13;
/// NodeProto.input = 1, output = 2, op_type = 4; ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1;
/// Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2.)
/// </summary>
internal static class OnnxGraphEditor
{
    internal readonly record struct Field(int Number, int WireType, ulong Varint, byte[] Bytes);

    internal sealed record Node(string OpType, string[] Inputs, string[] Outputs);

    /// <summary>
    /// Returns the model with its graph cut to the nodes <paramref name="outputs"/> depend on, those tensors as its
    /// outputs (float, shape left to inference), no stored intermediate shapes, and the input's dimensions
    /// <paramref name="symbolicDims"/> (index → name) made symbolic.
    /// </summary>
    public static byte[] CutAndResize(byte[] model, IReadOnlyList<string> outputs, IReadOnlyDictionary<int, string> symbolicDims)
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

        var newGraph = new MemoryStream();
        int nodeIndex = 0;
        bool inputRewritten = false;
        foreach (var f in graph)
        {
            switch (f.Number)
            {
                case 1:
                    if (keep[nodeIndex++]) Write(newGraph, f);
                    break;
                case 11 when !inputRewritten:
                    Write(newGraph, f with { Bytes = WithSymbolicDims(f.Bytes, symbolicDims) });
                    inputRewritten = true;
                    break;
                case 12:
                case 13:
                    break; // outputs are replaced below; stored intermediate shapes would contradict the new sizes
                default:
                    Write(newGraph, f);
                    break;
            }
        }
        foreach (var name in outputs)
            Write(newGraph, new Field(12, 2, 0, FloatOutput(name)));

        var result = new MemoryStream();
        foreach (var f in top)
            Write(result, f.Number == 7 ? f with { Bytes = newGraph.ToArray() } : f);
        return result.ToArray();
    }

    /// <summary>The nodes of a model's graph, in order (for finding tensor names).</summary>
    public static List<Node> Nodes(byte[] model) => NodesOf(Parse(Parse(model).Single(f => f.Number == 7).Bytes));

    static List<Node> NodesOf(List<Field> graph) => graph.Where(f => f.Number == 1).Select(f => ToNode(f.Bytes)).ToList();

    static Node ToNode(byte[] encoded)
    {
        var fields = Parse(encoded);
        string S(Field f) => Encoding.UTF8.GetString(f.Bytes);
        return new Node(fields.Where(f => f.Number == 4).Select(S).FirstOrDefault() ?? "",
            fields.Where(f => f.Number == 1).Select(S).ToArray(), fields.Where(f => f.Number == 2).Select(S).ToArray());
    }

    static byte[] WithSymbolicDims(byte[] valueInfo, IReadOnlyDictionary<int, string> symbolic)
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

    static byte[] FloatOutput(string name)
    {
        var tensorType = Encode([new Field(1, 0, 1 /* FLOAT */, [])]);
        var type = Encode([new Field(1, 2, 0, tensorType)]);
        return Encode([new Field(1, 2, 0, Encoding.UTF8.GetBytes(name)), new Field(2, 2, 0, type)]);
    }

    internal static List<Field> Parse(byte[] bytes)
    {
        var fields = new List<Field>();
        int p = 0;
        while (p < bytes.Length)
        {
            ulong key = ReadVarint(bytes, ref p);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add(new Field(number, 0, ReadVarint(bytes, ref p), [])); break;
                case 1: fields.Add(new Field(number, 1, 0, bytes[p..(p + 8)])); p += 8; break;
                case 2:
                    int length = checked((int)ReadVarint(bytes, ref p));
                    fields.Add(new Field(number, 2, 0, bytes[p..(p + length)]));
                    p += length;
                    break;
                case 5: fields.Add(new Field(number, 5, 0, bytes[p..(p + 4)])); p += 4; break;
                default: throw new ModelLayoutException($"unexpected protobuf wire type {wire} at byte {p}");
            }
        }
        return fields;
    }

    static byte[] Encode(IEnumerable<Field> fields)
    {
        var s = new MemoryStream();
        foreach (var f in fields) Write(s, f);
        return s.ToArray();
    }

    static void Write(Stream s, Field f)
    {
        WriteVarint(s, ((ulong)f.Number << 3) | (uint)f.WireType);
        switch (f.WireType)
        {
            case 0: WriteVarint(s, f.Varint); break;
            case 2: WriteVarint(s, (ulong)f.Bytes.Length); s.Write(f.Bytes); break;
            default: s.Write(f.Bytes); break;
        }
    }

    static ulong ReadVarint(byte[] b, ref int p)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[p++];
            result |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return result;
        }
    }

    static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
        s.WriteByte((byte)v);
    }
}
