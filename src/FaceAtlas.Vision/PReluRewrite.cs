using System.Numerics.Tensors;
using static FaceAtlas.Vision.OnnxGraphEditor;

namespace FaceAtlas.Vision;

/// <summary>
/// Rewrites every per-channel PRelu of a model as BatchNormalization → Relu → Add, which computes the same values
/// and which ONNX Runtime's CPU provider runs far faster: it keeps PRelu as a broadcasting element-wise operator
/// outside its blocked (NCHWc) layout, with a reorder on each side, while the BatchNormalization becomes a
/// depthwise convolution in that layout with the Relu fused into it (docs/BENCHMARKS.md: the embedder's 33 PRelu
/// took half of its time).
/// </summary>
/// <remarks>
/// For a slope s ≤ 1, PRelu(x) = x + Relu((s − 1)·x). A channel with s &gt; 1 does not fit that form; when the
/// PRelu sits between convolutions it is made to: the convolution before it is negated on that channel, the slope
/// becomes 1/s, and the convolutions after it take the factor −s on that input channel, since
/// PRelu_s(x) = −s·PRelu_{1/s}(−x). Only PRelu on a convolution's output with a slope a channel are rewritten; any
/// other is left as it is.
/// </remarks>
internal static class PReluRewrite
{
    /// <summary>The model with its PRelu rewritten; <paramref name="rewritten"/> says how many.</summary>
    public static byte[] Apply(byte[] model, out int rewritten)
    {
        var top = Parse(model);
        int graphAt = top.FindIndex(f => f.Number == 7);
        var graph = Parse(top[graphAt].Bytes);
        var edit = new Graph(graph);

        rewritten = 0;
        var replacements = new Dictionary<int, Field[]>();
        var added = new List<Field>();
        foreach (var (at, node) in edit.Nodes)
        {
            if (node.OpType != "PRelu" || node.Inputs.Length != 2 || edit.IsGraphOutput(node.Outputs[0])) continue;
            if (!edit.IsImageConvolution(node.Inputs[0]) || edit.Tensor(node.Inputs[1]) is not { } slope || !IsPerChannel(slope)) continue;
            var s = (float[])slope.Values.Clone();
            if (s.Any(v => v > 1) && !edit.TryFlipSteepChannels(node, s)) continue;

            string x = node.Inputs[0], y = node.Outputs[0], p = y + "/prelu_as_relu_add/";
            int c = s.Length;
            added.Add(InitializerField(new FloatTensor(p + "scale", [c], s.Select(v => v - 1).ToArray())));
            added.Add(InitializerField(new FloatTensor(p + "zero", [c], new float[c])));
            added.Add(InitializerField(new FloatTensor(p + "one", [c], Enumerable.Repeat(1f, c).ToArray())));
            replacements[at] =
            [
                NodeField("BatchNormalization", p + "scaled", [x, p + "scale", p + "zero", p + "zero", p + "one"], [p + "scaled"], ("epsilon", 0f)),
                NodeField("Relu", p + "relu", [p + "scaled"], [p + "relu"]),
                NodeField("Add", p + "add", [x, p + "relu"], [y]),
            ];
            edit.Release(node.Inputs[1]);
            rewritten++;
        }
        if (rewritten == 0) return model;

        var newGraph = new List<Field>();
        for (int i = 0; i < graph.Count; i++)
        {
            if (replacements.TryGetValue(i, out var nodes)) newGraph.AddRange(nodes);
            else if (edit.Rewrite(i) is { } field) newGraph.Add(field);
        }
        newGraph.AddRange(added);
        return WithGraph(top, newGraph);
    }

    /// <summary>
    /// One slope a channel of an NCHW tensor: dimensions [C, 1, 1]. (A slope of dimensions [C] broadcasts along the
    /// last axis, the image's width, and is left alone.)
    /// </summary>
    static bool IsPerChannel(FloatTensor slope) =>
        slope.Dims.Length == 3 && slope.Dims[1] == 1 && slope.Dims[2] == 1 && slope.Values.Length == slope.Dims[0];

    /// <summary>A graph's nodes and initializers, with who produces and uses each tensor, and the changes made.</summary>
    sealed class Graph
    {
        readonly List<Field> _fields;
        readonly Dictionary<string, int> _initializerAt = [];
        readonly Dictionary<int, string> _initializerNamed = [];
        readonly Dictionary<string, FloatTensor> _changed = [];
        readonly HashSet<string> _released = [];
        readonly Dictionary<string, int> _producer = [];
        readonly Dictionary<string, List<int>> _consumers = [];
        readonly HashSet<string> _graphOutputs = [];

        public Graph(List<Field> fields)
        {
            _fields = fields;
            for (int i = 0; i < fields.Count; i++)
            {
                var f = fields[i];
                if (f.Number == 5 && FloatTensorName(f.Bytes) is { } name)
                {
                    _initializerAt[name] = i;
                    _initializerNamed[i] = name;
                }
                if (f.Number == 12) _graphOutputs.Add(System.Text.Encoding.UTF8.GetString(Parse(f.Bytes).First(v => v.Number == 1).Bytes.Span));
                if (f.Number != 1) continue;
                var node = ToNode(f.Bytes);
                Nodes.Add((i, node));
                foreach (var o in node.Outputs) _producer[o] = i;
                foreach (var input in node.Inputs.Distinct())
                {
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                    list.Add(i);
                }
            }
        }

        public List<(int At, Node Node)> Nodes { get; } = [];

        public bool IsGraphOutput(string name) => _graphOutputs.Contains(name);

        public FloatTensor? Tensor(string name) =>
            _changed.TryGetValue(name, out var t) ? t
            : _initializerAt.TryGetValue(name, out var at) ? ReadFloatTensor(_fields[at].Bytes) : null;

        /// <summary>
        /// Whether <paramref name="tensor"/> comes from a 2D convolution (weights [O, I, kH, kW]): an NCHW image, whose
        /// channels are the axis BatchNormalization scales.
        /// </summary>
        public bool IsImageConvolution(string tensor) =>
            _producer.TryGetValue(tensor, out var at) && ToNode(_fields[at].Bytes) is { OpType: "Conv" } conv
            && conv.Inputs.Length >= 2 && Dims(conv.Inputs[1]) is { Length: 4 };

        /// <summary>An initializer's dimensions (without reading its values), or null when it is none.</summary>
        long[]? Dims(string name) =>
            _changed.TryGetValue(name, out var t) ? t.Dims
            : _initializerAt.TryGetValue(name, out var at) ? TensorDims(_fields[at].Bytes.Span) : null;

        /// <summary>Drops an initializer no node uses any more.</summary>
        public void Release(string name)
        {
            if (_consumers.TryGetValue(name, out var users) && users.Count == 1) _released.Add(name);
        }

        /// <summary>The field at <paramref name="at"/> as it is to be written, or null when it is dropped.</summary>
        public Field? Rewrite(int at)
        {
            var f = _fields[at];
            if (!_initializerNamed.TryGetValue(at, out var name)) return f;
            if (_released.Contains(name)) return null;
            return _changed.TryGetValue(name, out var t) ? InitializerField(t) : f;
        }

        /// <summary>
        /// Makes the channels of <paramref name="prelu"/> whose slope in <paramref name="slopes"/> is above 1 fit
        /// PRelu(x) = x + Relu((s − 1)·x) (see the type's remarks), changing <paramref name="slopes"/> to match;
        /// false, with nothing changed, unless the PRelu's input comes from a convolution only it uses and its output
        /// goes only to convolutions as their data.
        /// </summary>
        public bool TryFlipSteepChannels(Node prelu, float[] slopes)
        {
            int c = slopes.Length;
            string x = prelu.Inputs[0], y = prelu.Outputs[0];
            if (IsGraphOutput(x) || !_producer.TryGetValue(x, out var producerAt) || _consumers[x].Count != 1) return false;
            var producer = ToNode(_fields[producerAt].Bytes);
            if (producer.OpType != "Conv" || producer.Inputs.Length < 2) return false;
            var parameters = producer.Inputs.Skip(1).ToList();
            if (!parameters.All(OwnedBy(producerAt))) return false;
            var weight = Tensor(parameters[0]);
            var bias = parameters.Count > 1 ? Tensor(parameters[1]) : null;
            if (weight is null || weight.Dims.Length != 4 || weight.Dims[0] != c || (parameters.Count > 1 && bias is null)) return false;

            var consumers = new List<(string Name, FloatTensor Weight, long Groups)>();
            foreach (var at in _consumers.GetValueOrDefault(y) ?? [])
            {
                var consumer = ToNode(_fields[at].Bytes);
                if (consumer.OpType != "Conv" || consumer.Inputs.Length < 2 || consumer.Inputs[0] != y
                    || consumer.Inputs.Skip(1).Contains(y) || !OwnedBy(at)(consumer.Inputs[1])) return false;
                long groups = IntAttribute(_fields[at].Bytes, "group", 1);
                if (Tensor(consumer.Inputs[1]) is not { } w || w.Dims.Length != 4 || w.Dims[1] * groups != c) return false;
                consumers.Add((consumer.Inputs[1], w, groups));
            }
            if (consumers.Count == 0) return false;

            var w0 = weight with { Values = (float[])weight.Values.Clone() };
            var b0 = bias is null ? null : bias with { Values = (float[])bias.Values.Clone() };
            var after = consumers.Select(k => k with { Weight = k.Weight with { Values = (float[])k.Weight.Values.Clone() } }).ToList();
            int perOutput = w0.Values.Length / c;
            for (int ch = 0; ch < c; ch++)
            {
                float s = slopes[ch];
                if (s <= 1) continue;
                var filter = w0.Values.AsSpan(ch * perOutput, perOutput);
                TensorPrimitives.Negate(filter, filter);
                if (b0 is not null) b0.Values[ch] = -b0.Values[ch];
                foreach (var (_, w, groups) in after) ScaleInputChannel(w, groups, ch, -s);
                slopes[ch] = 1 / s;
            }
            _changed[w0.Name] = w0;
            if (b0 is not null) _changed[b0.Name] = b0;
            foreach (var (name, w, _) in after) _changed[name] = w;
            return true;
        }

        Func<string, bool> OwnedBy(int nodeAt) => name =>
            _initializerAt.ContainsKey(name) && _consumers.TryGetValue(name, out var users) && users.Count == 1 && users[0] == nodeAt;

        /// <summary>Multiplies what input channel <paramref name="channel"/> contributes to a convolution by <paramref name="factor"/>.</summary>
        static void ScaleInputChannel(FloatTensor weight, long groups, int channel, float factor)
        {
            long outputs = weight.Dims[0], perGroupIn = weight.Dims[1], kernel = weight.Dims[2] * weight.Dims[3];
            long group = channel / perGroupIn, index = channel % perGroupIn, perGroupOut = outputs / groups;
            for (long o = group * perGroupOut; o < (group + 1) * perGroupOut; o++)
            {
                var taps = weight.Values.AsSpan((int)((o * perGroupIn + index) * kernel), (int)kernel);
                TensorPrimitives.Multiply(taps, factor, taps);
            }
        }
    }
}
