#!/usr/bin/python3
"""Makes an int8 (QDQ) copy of a float graph, to time it against the float one (the detector, or the embedder):

    apt-get install python3-onnx
    /usr/bin/python3 bench/experiments/quantize-qdq.py models/fr_detect.onnx /tmp/fr_detect_int8.onnx
    dotnet run -c Release --project bench/FaceAtlas.Bench -- windows --detector /tmp/fr_detect_int8.onnx

    dotnet run -c Release --project bench/FaceAtlas.Bench -- embedder --save /tmp/fr_feature_rewritten.onnx
    /usr/bin/python3 bench/experiments/quantize-qdq.py /tmp/fr_feature_rewritten.onnx /tmp/fr_feature_int8.onnx
    dotnet run -c Release --project bench/FaceAtlas.Bench -- embedder --against /tmp/fr_feature_int8.onnx
    # the same with the PRelu (BatchNormalization -> Relu -> Add once rewritten) in int8 as well:
    /usr/bin/python3 bench/experiments/quantize-qdq.py /tmp/fr_feature_rewritten.onnx /tmp/fr_feature_int8p.onnx --prelu

Without --ranges FILE the activation scales are fixed guesses (speed does not depend on them), for timing only;
with it (`bench -- embedder --faces 500 --ranges FILE` writes one) they come from the float graph's smallest and
largest values on real aligned faces. Weights are int8 per output channel, activations uint8; every Conv gets
DequantizeLinear inputs and a QuantizeLinear output, which ONNX Runtime fuses into QLinearConv (checked by saving
the optimised graph: 52 QLinearConv for the detector). The opset is raised to 13 for per-channel
DequantizeLinear, so Unsqueeze and Slice nodes are rewritten to take their axes and bounds as inputs. Results:
docs/BENCHMARKS.md.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

src, dst = sys.argv[1], sys.argv[2]
ranges = {}  # tensor -> (min, max); empty: fixed scales, enough for timing
if '--ranges' in sys.argv[3:]:  # calibrated: bench -- embedder --ranges FILE
    import json
    ranges = {k: tuple(v) for k, v in json.load(open(sys.argv[sys.argv.index('--ranges') + 1])).items()}
m = onnx.load(src)
g = m.graph
inits = {i.name: i for i in g.initializer}

new_inits = []
def add_init(name, arr):
    new_inits.append(numpy_helper.from_array(arr, name))
    return name
# 1. opset 9 -> 13 fixes
nodes = []
for n in g.node:
    if n.op_type == 'Unsqueeze':
        axes = [a for a in n.attribute if a.name == 'axes'][0].ints
        nm = add_init(n.output[0] + '_axes', np.array(axes, dtype=np.int64))
        nodes.append(helper.make_node('Unsqueeze', [n.input[0], nm], list(n.output), name=n.name))
    elif n.op_type == 'Slice':
        at = {a.name: list(a.ints) for a in n.attribute}
        s = add_init(n.output[0] + '_starts', np.array(at['starts'], dtype=np.int64))
        e = add_init(n.output[0] + '_ends', np.array(at['ends'], dtype=np.int64))
        ax = add_init(n.output[0] + '_axes', np.array(at['axes'], dtype=np.int64))
        nodes.append(helper.make_node('Slice', [n.input[0], s, e, ax], list(n.output), name=n.name))
    else:
        nodes.append(n)
# 1b. --prelu: each BatchNormalization (the embedder's PRelu as rewritten at load: x + Relu((s - 1)x)) becomes the
# depthwise 1x1 convolution it computes, so that it is quantized too, its Relu folds into that convolution's
# output, and every Add gets QDQ around it (ONNX Runtime makes it a QLinearAdd): no float layer is left between
# two convolutions.
prelu_int8 = '--prelu' in sys.argv[3:]
if prelu_int8:
    converted = []
    for n in nodes:
        if n.op_type != 'BatchNormalization':
            converted.append(n)
            continue
        scale, bias, mean, var = (numpy_helper.to_array(inits[i]) for i in n.input[1:5])
        eps = ([a.f for a in n.attribute if a.name == 'epsilon'] or [1e-5])[0]
        a = scale / np.sqrt(var + eps)
        b = bias - mean * a
        c = len(a)
        w = add_init(n.output[0] + '_dw', a.reshape(c, 1, 1, 1).astype(np.float32))
        inits[w] = new_inits[-1]
        bb = add_init(n.output[0] + '_db', b.astype(np.float32))
        inits[bb] = new_inits[-1]
        converted.append(helper.make_node('Conv', [n.input[0], w, bb], list(n.output), name=n.output[0] + '_as_conv', group=c, kernel_shape=[1, 1]))
    nodes = converted
# 2. consumers / producers
producer = {o: n for n in nodes for o in n.output}
consumers = {}
for n in nodes:
    for i in n.input: consumers.setdefault(i, []).append(n)
def scale_of(t, relu):
    if t in ranges:
        lo, hi = ranges[t]
        if relu or lo >= 0:
            return max(hi, 1e-6) / 255.0, 0
        lo = min(lo, 0); hi = max(hi, 0)
        s = max(hi - lo, 1e-6) / 255.0
        return s, int(np.clip(round(-lo / s), 0, 255))
    return (0.03, 0) if relu else (0.05, 128)
qdq_for = {}
def qdq(t, relu):
    s, zp = scale_of(t, relu)
    sn = add_init(t + '_s', np.array(s, dtype=np.float32))
    zn = add_init(t + '_zp', np.array(zp, dtype=np.uint8))
    q = helper.make_node('QuantizeLinear', [t, sn, zn], [t + '_q'])
    dq = helper.make_node('DequantizeLinear', [t + '_q', sn, zn], [t + '_dq'])
    qdq_for[t] = (s, t + '_dq')
    return [q, dq]
# relus directly after convs are absorbed
conv_relu = {}
for n in nodes:
    if n.op_type == 'Relu' and n.input[0] in producer and producer[n.input[0]].op_type == 'Conv' and len(consumers[n.input[0]]) == 1:
        conv_relu[n.input[0]] = n
result = []
for n in nodes:
    if n.op_type == 'Relu' and n.input[0] in conv_relu:
        continue  # absorbed
    if n.op_type == 'Conv':
        x, w = n.input[0], n.input[1]
        b = n.input[2] if len(n.input) > 2 else None
        if x not in qdq_for:
            result += qdq(x, False)
        xs, xdq = qdq_for[x]
        W = numpy_helper.to_array(inits[w])
        ws = np.maximum(np.abs(W).reshape(W.shape[0], -1).max(axis=1), 1e-8) / 127.0
        Wq = np.clip(np.round(W / ws[:, None, None, None]), -127, 127).astype(np.int8)
        wq = add_init(w + '_q', Wq); wsn = add_init(w + '_s', ws.astype(np.float32)); wz = add_init(w + '_zp', np.zeros(W.shape[0], np.int8))
        result.append(helper.make_node('DequantizeLinear', [wq, wsn, wz], [w + '_dq'], axis=0))
        ins = [xdq, w + '_dq']
        if b:
            B = numpy_helper.to_array(inits[b])
            bs = (xs * ws).astype(np.float32)
            Bq = np.round(B / bs).astype(np.int32)
            bq = add_init(b + '_q', Bq); bsn = add_init(b + '_s', bs); bz = add_init(b + '_zp', np.zeros(len(B), np.int32))
            result.append(helper.make_node('DequantizeLinear', [bq, bsn, bz], [b + '_dq'], axis=0))
            ins.append(b + '_dq')
        y = n.output[0]
        relu = conv_relu.get(y)
        out = relu.output[0] if relu else y
        result.append(helper.make_node('Conv', ins, [out], name=n.name, **{a.name: helper.get_attribute_value(a) for a in n.attribute}))
        result += qdq(out, relu is not None)
        continue
    if prelu_int8 and n.op_type == 'Add':
        for i in n.input:
            if i not in qdq_for:
                result += qdq(i, False)
        result.append(n)
        result += qdq(n.output[0], False)
        continue
    result.append(n)
# rewire: every consumer of a tensor with qdq uses the dq output (except the Q itself)
for n in result:
    if n.op_type == 'QuantizeLinear': continue
    for k, i in enumerate(n.input):
        if i in qdq_for and not (n.op_type == 'DequantizeLinear'):
            n.input[k] = qdq_for[i][1]
# graph outputs must keep their names: outputs are not conv outputs here
keep_inits = [i for i in g.initializer if not any(i.name == c.input[1] or (len(c.input) > 2 and i.name == c.input[2]) for c in nodes if c.op_type == 'Conv')]
del g.node[:]
g.node.extend(result)
del g.initializer[:]
g.initializer.extend(keep_inits + new_inits)
del g.value_info[:]
m.opset_import[0].version = 13
onnx.checker.check_model(m)
onnx.save(m, dst)
print('ok', len(result), 'nodes')
