#!/usr/bin/python3
"""Converts face-api's FaceRecognitionNet (a dlib-style ResNet, 128-D descriptor) from its weights manifest to an
ONNX model taking NCHW input (RGB, (v - mean RGB) / 255, 150x150), for the second-embedder experiment in
docs/QUALITY.md:

    apt-get install python3-onnx
    npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz
    /usr/bin/python3 bench/experiments/faceapi-to-onnx.py package/model/face_recognition_model-weights_manifest.json /tmp/faceapi-rec.onnx
    dotnet run -c Release --project bench/FaceAtlas.Bench -- second-embedder /tmp/lfw.db /tmp/faceapi-rec.onnx /tmp/faceapi.bin

The network as face-api's src/faceRecognitionNet writes it: each conv's bias and scale layer folded into the
convolution; a down-sampling block adds its input average-pooled, zero-padded to the block's channels (and by one
row and column where the pooled map is larger)."""
import json, sys, os
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
src, dst = sys.argv[1], sys.argv[2]
man = json.load(open(src))
d = os.path.dirname(src)
W = {}
for g in man:
    buf = b''.join(open(os.path.join(d, p), 'rb').read() for p in g['paths'])
    off = 0
    for w in g['weights']:
        n = int(np.prod(w['shape']))
        q = w.get('quantization')
        if q:
            assert q['dtype'] == 'uint8'
            a = np.frombuffer(buf, np.uint8, n, off).astype(np.float32) * q['scale'] + q['min']; off += n
        else:
            a = np.frombuffer(buf, np.float32, n, off); off += 4 * n
        W[w['name']] = a.reshape(w['shape']).astype(np.float32)
    assert off == len(buf), (off, len(buf))
nodes, inits = [], []
cnt = [0]
def name(p): cnt[0] += 1; return f'{p}_{cnt[0]}'
def const(arr, p='c'):
    n = name(p); inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), n)); return n
def conv(x, shape, key, stride, pad, relu):
    f = W[key + '/conv/filters']; b = W[key + '/conv/bias']; sw = W[key + '/scale/weights']; sb = W[key + '/scale/biases']
    k = f.shape[0]
    w = np.transpose(f, (3, 2, 0, 1)) * sw[:, None, None, None]
    bias = b * sw + sb
    out = name('conv')
    p = (k - 1) // 2 if pad == 'same' else 0
    nodes.append(helper.make_node('Conv', [x, const(w), const(bias)], [out], kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p]))
    c, h, wd = shape
    h2 = (h + 2 * p - k) // stride + 1; w2 = (wd + 2 * p - k) // stride + 1
    shape = (f.shape[3], h2, w2)
    if relu:
        r = name('relu'); nodes.append(helper.make_node('Relu', [out], [r])); out = r
    return out, shape
def relu(x):
    r = name('relu'); nodes.append(helper.make_node('Relu', [x], [r])); return r
def add(a, b):
    o = name('add'); nodes.append(helper.make_node('Add', [a, b], [o])); return o
def residual(x, shape, key):
    out, s = conv(x, shape, key + '/conv1', 1, 'same', True)
    out, s = conv(out, s, key + '/conv2', 1, 'same', False)
    return relu(add(out, x)), s
def residual_down(x, shape, key):
    out, s = conv(x, shape, key + '/conv1', 2, 'valid', True)
    out, s = conv(out, s, key + '/conv2', 1, 'same', False)
    pooled = name('pool')
    nodes.append(helper.make_node('AveragePool', [x], [pooled], kernel_shape=[2, 2], strides=[2, 2]))
    ps = (shape[0], shape[1] // 2, shape[2] // 2)
    if ps[1] != s[1] or ps[2] != s[2]:
        o = name('padhw'); nodes.append(helper.make_node('Pad', [out, const(np.array([0, 0, 0, 0, 0, 0, 1, 1], np.int64))], [o])); out = o
        s = (s[0], s[1] + 1, s[2] + 1)
        assert s[1:] == ps[1:], (s, ps)
    if ps[0] != s[0]:
        o = name('padc'); nodes.append(helper.make_node('Pad', [pooled, const(np.array([0, 0, 0, 0, 0, s[0] - ps[0], 0, 0], np.int64))], [o])); pooled = o
    return relu(add(pooled, out)), s
x, s = conv('input', (3, 150, 150), 'conv32_down', 2, 'valid', True)
mp = name('maxpool'); nodes.append(helper.make_node('MaxPool', [x], [mp], kernel_shape=[3, 3], strides=[2, 2])); x = mp
s = (s[0], (s[1] - 3) // 2 + 1, (s[2] - 3) // 2 + 1)
for k in ['conv32_1', 'conv32_2', 'conv32_3']: x, s = residual(x, s, k)
x, s = residual_down(x, s, 'conv64_down')
for k in ['conv64_1', 'conv64_2', 'conv64_3']: x, s = residual(x, s, k)
x, s = residual_down(x, s, 'conv128_down')
for k in ['conv128_1', 'conv128_2']: x, s = residual(x, s, k)
x, s = residual_down(x, s, 'conv256_down')
for k in ['conv256_1', 'conv256_2']: x, s = residual(x, s, k)
x, s = residual_down(x, s, 'conv256_down_out')
print('final map', s)
m = name('mean'); nodes.append(helper.make_node('ReduceMean', [x], [m], axes=[2, 3], keepdims=0))
nodes.append(helper.make_node('MatMul', [m, const(W['fc'])], ['descriptor']))
graph = helper.make_graph(nodes, 'faceapi_recognition', [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['n', 3, 150, 150])],
                          [helper.make_tensor_value_info('descriptor', TensorProto.FLOAT, ['n', 128])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, dst)
print('saved', dst, len(W), 'weights')
