// Measures what each tfjs backend can do on a large float32 matmul (GFLOP/s, median of warm runs), native TensorFlow beside wasm and the JS cpu backend in one process.
//
// usage: npx tsx bench/native-matmul.ts [--size 1024] [--runs 7] [--backends tensorflow,wasm] [--json]
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadNativeBackend } from '../src/model/native-backend.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '7' },
    backends: { type: 'string', default: 'tensorflow,wasm' },
    json: { type: 'boolean', default: false },
  },
});
const size = Number(args.size);
const runs = Number(args.runs);
if (!Number.isInteger(size) || size < 1 || !Number.isInteger(runs) || runs < 1) {
  throw new Error('--size and --runs take positive integers');
}

interface Row {
  backend: string;
  size: number;
  runs: number;
  medianMs: number;
  gflops: number;
  detail: string;
}

async function activate(backend: string): Promise<string> {
  if (backend === 'tensorflow' || backend === 'tensorflow-gpu') {
    const loaded = await loadNativeBackend(backend);
    if (!loaded.ok) throw new Error(`${backend}: ${loaded.reason}`);
    await tf.setBackend('tensorflow');
    return loaded.detail;
  }
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(
      `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`,
    );
    await tf.setBackend('wasm');
    return 'tfjs-backend-wasm (SIMD, one thread in Node)';
  }
  if (backend === 'cpu') {
    await tf.setBackend('cpu');
    return 'tfjs pure JS';
  }
  throw new Error(`unknown backend ${backend}`);
}

async function measure(backend: string): Promise<Row> {
  const detail = await activate(backend);
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const times: number[] = [];
  // One untimed run first: kernel setup, thread pools, JIT.
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    const elapsed = performance.now() - start;
    c.dispose();
    if (i > 0) times.push(elapsed);
  }
  a.dispose();
  b.dispose();
  times.sort((x, y) => x - y);
  const medianMs = times[Math.floor(times.length / 2)] ?? Number.NaN;
  const gflops = (2 * size ** 3) / (medianMs / 1000) / 1e9;
  return { backend, size, runs, medianMs, gflops, detail };
}

// Quiet tfjs's banner suggesting tfjs-node: this benchmark loads it when asked.
tf.env().set('PROD', true);
const rows: Row[] = [];
for (const backend of args.backends.split(',')) rows.push(await measure(backend.trim()));
if (args.json) {
  process.stdout.write(`${JSON.stringify({ benchmark: 'matmul', rows })}\n`);
} else {
  for (const r of rows) {
    process.stdout.write(
      `${r.backend.padEnd(14)} ${size}x${size} matmul: ${r.medianMs.toFixed(1)} ms median of ${r.runs}, ${r.gflops.toFixed(1)} GFLOP/s  (${r.detail})\n`,
    );
  }
}
