/**
 * `npx tsx bench/model-profile.ts --model <dir> [--batch 256] [--runs 5]`: where one in-process scoring
 * run spends its time on a backend (default wasm): tokenizing, the model's kernels by name (tf.profile),
 * and the time per layer (each layer's call timed on its own). For finding what to speed up, not a benchmark.
 */
import { parseArgs } from 'node:util';
import type * as Tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../src/config/model.ts';
import { createLogger } from '../src/core/logger.ts';
import { selectBackendForModel } from '../src/model/backend-for-model.ts';
import { loadModelDir } from '../src/model/model-files.ts';
import { Predictor } from '../src/model/predictor.ts';
import { syntheticHeadlines } from '../src/model/synthetic-texts.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/default' },
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '256' },
    runs: { type: 'string', default: '5' },
  },
});
const batch = Number(values.batch);
const runs = Number(values.runs);
const logger = createLogger({ level: 'warn', pretty: false });
const { tf } = await selectBackendForModel(
  { choice: values.backend as BackendChoice, modelPath: values.model },
  logger,
);
const loaded = await loadModelDir(values.model);
// As a scorer runs it (scoring: BlockLSTM on native).
const predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen, {
  scoring: true,
});
const texts = syntheticHeadlines(loaded.tokenizer, batch, 2024);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function timed(run: () => unknown): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const whole = timed(() => predictor.predict(texts));
const tokenize = timed(() =>
  texts.map((t) => loaded.tokenizer.encode(t, Number.POSITIVE_INFINITY)),
);
console.log(
  `batch ${batch}: predict ${whole.toFixed(1)} ms (${((batch / whole) * 1000).toFixed(0)} texts/s), tokenize ${tokenize.toFixed(1)} ms`,
);

// One padded batch, as the predictor builds it for texts of similar length.
const encoded = texts.map((t) => loaded.tokenizer.encode(t, loaded.meta.architecture.maxLen));
const steps = Math.max(...encoded.map((s) => s.length));
const flat = new Float32Array(batch * steps);
encoded.forEach((s, r) => {
  flat.set(s, r * steps);
});
const input = tf.tensor2d(flat, [batch, steps]);
const model = loaded.model;

// Kernels by name over one forward pass of the whole batch.
const profile = await tf.profile(() => {
  (model.predict(input, { batchSize: batch }) as Tf.Tensor).dataSync();
});
const byKernel = new Map<string, { ms: number; count: number }>();
for (const k of profile.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, count: 0 };
  entry.ms += Number(k.kernelTimeMs) || 0;
  entry.count += 1;
  byKernel.set(k.name, entry);
}
const kernelTotal = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(
  `T=${steps}: ${profile.kernels.length} kernel calls, ${kernelTotal.toFixed(1)} ms in kernels`,
);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
  console.log(
    `  ${name.padEnd(22)} ${e.ms.toFixed(2).padStart(8)} ms ${String(e.count).padStart(6)} calls`,
  );
}

// Per layer: the graph run layer by layer (each layer's output awaited before the next starts).
const perLayer = new Map<string, number[]>();
for (let r = 0; r <= runs; r++) {
  const outputs = new Map<string, Tf.Tensor>();
  for (const layer of model.layers) {
    const node = layer.inboundNodes[0];
    const inbound = node?.inboundLayers ?? [];
    if (!node || inbound.length === 0) continue;
    const args = inbound.map((l) => {
      if (model.inputLayers.includes(l)) return input;
      const v = outputs.get(l.name);
      if (!v) throw new Error(`layer ${l.name} has no output yet`);
      return v;
    });
    const t0 = performance.now();
    const out = layer.apply(args.length === 1 ? (args[0] ?? input) : args) as Tf.Tensor;
    out.dataSync();
    const ms = performance.now() - t0;
    outputs.set(layer.name, out);
    if (r > 0) perLayer.set(layer.name, [...(perLayer.get(layer.name) ?? []), ms]);
  }
  for (const v of outputs.values()) v.dispose();
}
console.log(`layers (median of ${runs}):`);
for (const [name, ms] of [...perLayer].sort((a, b) => median(b[1]) - median(a[1]))) {
  console.log(`  ${name.padEnd(24)} ${median(ms).toFixed(2).padStart(8)} ms`);
}
process.exit(0);
