// The JavaScript peer of `faceatlas index` (bench -- index-peer): @vladmandic/face-api on the tfjs WebAssembly
// backend, one process. Reads a list of photo paths (one per line), finds every face (SSD MobileNet v1), its 68
// landmarks and its 128-D descriptor, and prints one JSON line: photos, faces, failed, seconds (after start-up).
// Usage: node index.cjs LIST [--threads N]
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const jpeg = require('jpeg-js');

async function main() {
  const args = process.argv.slice(2);
  const list = args[0];
  const threadsAt = args.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : 1;
  if (!list) throw new Error('usage: node index.cjs LIST [--threads N]');
  const photos = fs.readFileSync(list, 'utf8').split('\n').filter((l) => l.length > 0);

  wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  if (threads > 1) wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const models = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });

  const started = process.hrtime.bigint();
  let faces = 0;
  let failed = 0;
  for (const photo of photos) {
    let decoded;
    try {
      decoded = jpeg.decode(fs.readFileSync(photo), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    } catch (e) {
      failed++;
      continue;
    }
    const tensor = tf.tensor3d(decoded.data, [decoded.height, decoded.width, 3], 'int32');
    const found = await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();
    faces += found.length;
    tensor.dispose();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({
    backend: tf.getBackend(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') ? threads : 1,
    photos: photos.length, faces, failed, seconds,
  }) + '\n');
}

main().catch((e) => { process.stderr.write(`face-api peer: ${e.stack || e}\n`); process.exit(1); });
