/**
 * `npm run bench:model`: scoring throughput of a model on a backend at batch 1, 32 and 256 (warm, median
 * of repeats), per-batch latency percentiles, peak RSS, FLOPs per text, and a large matmul's FLOP/s on the
 * same backend so the model's efficiency prints as a ratio. Without --model and --backend it runs every
 * shipped model on wasm and native TensorFlow, each in its own process (bench/model-matrix.ts).
 * Flags: --backend <auto|tensorflow-gpu|tensorflow|wasm|cpu> --model <dir> --workers <n,...>
 *        --batches <n,...> --min-runs <n> --seconds <s> --texts <stream dir> --json
 * --texts scores what the pipeline would read from a recorded stream (headline and summary of each item,
 * e.g. fixtures/streams/demo) instead of generated headlines, which are half as long.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../src/config/model.ts';
import { createLogger } from '../src/core/logger.ts';
import { readStream } from '../src/ingest/replay/read-stream.ts';
import { accurateFlopsPerText } from '../src/model/accurate/architecture.ts';
import { flopsPerText } from '../src/model/architecture.ts';
import { selectBackendForModel } from '../src/model/backend-for-model.ts';
import { loadModelDir } from '../src/model/model-files.ts';
import type { ModelTokenizer } from '../src/model/predictor.ts';
import { loadScorer } from '../src/model/scorer.ts';
import { syntheticHeadlines } from '../src/model/synthetic-texts.ts';
import { windowsOf } from '../src/model/text-windows.ts';
import { itemText } from '../src/scoring/item-text.ts';
import { type Row, runModelMatrix } from './model-matrix.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    model: { type: 'string' },
    workers: { type: 'string', default: '0,2' },
    batches: { type: 'string', default: '1,32,256' },
    'min-runs': { type: 'string' },
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '3' },
    texts: { type: 'string' },
  },
});

if (values.model === undefined && values.backend === undefined) {
  await runModelMatrix(values.seconds, values.json);
  process.exit(0);
}
const modelDir = values.model ?? 'models/default';

const logger = createLogger({ level: values.json ? 'warn' : 'info', pretty: false });
const backendChoice = (values.backend ?? 'auto') as BackendChoice;
const budgetMs = Number(values.seconds) * 1000;
const minRuns = values['min-runs'] === undefined ? undefined : Number(values['min-runs']);

// `auto` lands where the scorer would: the backend measured fastest for this model.
const selection = await selectBackendForModel(
  { choice: backendChoice, modelPath: modelDir },
  logger,
);
const { tf } = selection;
const loaded = await loadModelDir(modelDir);
const arch = loaded.meta.architecture;

const texts =
  values.texts === undefined
    ? syntheticHeadlines(loaded.tokenizer, 2048, 2024)
    : (await readStream(values.texts)).items.map((item) => itemText(item.title, item.summary));
if (texts.length <= 256) throw new Error(`--texts ${values.texts}: needs more than 256 items`);
// Tokens the model reads per text: a text longer than its input is read in overlapping windows.
const room = arch.maxLen - ((loaded.tokenizer as ModelTokenizer).frame ? 2 : 0);
const tokensRead = (text: string): number =>
  windowsOf(loaded.tokenizer.encode(text, Number.POSITIVE_INFINITY), room).reduce(
    (sum, window) => sum + Math.max(1, window.length),
    0,
  );
const meanTokens = texts.reduce((a, t) => a + tokensRead(t), 0) / texts.length;
const flops =
  'kind' in arch ? accurateFlopsPerText(arch, meanTokens) : flopsPerText(arch, meanTokens);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/**
 * Repeats `run` (warm) until the time budget or 200 runs; returns per-run milliseconds, sorted, and the
 * CPU milliseconds the whole process (worker threads included) spent over the timed runs.
 */
async function time(
  run: () => Promise<unknown>,
  minRuns: number,
): Promise<{ times: number[]; cpuMs: number }> {
  await run();
  await run();
  const times: number[] = [];
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (times.length < minRuns || (performance.now() - start < budgetMs && times.length < 200)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { times: times.sort((a, b) => a - b), cpuMs: (cpu.user + cpu.system) / 1000 };
}

// The backend's matmul ceiling: a 1024³ product, median of repeats.
const n = 1024;
const a = tf.randomNormal([n, n]);
const b = tf.randomNormal([n, n]);
const { times: mmTimes } = await time(async () => {
  const c = tf.matMul(a, b);
  await c.data();
  c.dispose();
}, 5);
const matmulFlops = (2 * n * n * n) / ((quantile(mmTimes, 0.5) ?? 1) / 1000);
a.dispose();
b.dispose();
loaded.model.dispose();

// This machine's cores may be shared (a training run beside the bench): the load average says how much,
// and texts per CPU-second is the figure that sharing disturbs least.
const loadBefore = loadavg()[0] ?? 0;
const rows: Row[] = [];
for (const w of values.workers.split(',').map(Number)) {
  const scorer = await loadScorer(
    { path: modelDir, backend: selection.backend, workers: w },
    logger,
  );
  for (const batch of values.batches.split(',').map(Number)) {
    let cursor = 0;
    const { times, cpuMs } = await time(
      async () => {
        const slice = texts.slice(cursor, cursor + batch);
        cursor = (cursor + batch) % (texts.length - batch);
        await scorer.scoreBatch(slice);
      },
      minRuns ?? (batch === 256 ? 5 : 20),
    );
    const p50 = quantile(times, 0.5);
    const textsPerSec = (batch / p50) * 1000;
    rows.push({
      workers: w,
      batch,
      textsPerSec,
      p50Ms: p50,
      p99Ms: quantile(times, 0.99),
      runs: times.length,
      cpuTextsPerSec: (batch * times.length * 1000) / cpuMs,
      efficiency: (textsPerSec * flops) / (matmulFlops * Math.max(1, w)),
    });
  }
  await scorer.close();
}

const report = {
  backend: selection.backend,
  skipped: selection.skipped,
  model: loaded.meta.version,
  architecture: arch,
  parameters: loaded.model.countParams(),
  meanTokensPerText: meanTokens,
  flopsPerText: flops,
  matmulGflops: matmulFlops / 1e9,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  loadAverage: [loadBefore, loadavg()[0] ?? 0],
  results: rows,
};

if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const out = [
    `backend ${report.backend}; model ${report.model} (${report.parameters.toLocaleString('en-US')} params)`,
    `${values.texts ?? 'generated headlines'}: mean ${meanTokens.toFixed(1)} tokens/text, ${(flops / 1e6).toFixed(2)} MFLOP/text; matmul 1024³ ${report.matmulGflops.toFixed(2)} GFLOP/s`,
    'workers batch   texts/s   p50 ms   p99 ms  runs  efficiency  texts/cpu-s',
    ...rows.map(
      (r) =>
        `${String(r.workers === 0 ? 'in-proc' : r.workers).padStart(7)} ${String(r.batch).padStart(5)} ${r.textsPerSec.toFixed(0).padStart(9)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.runs).padStart(5)}  ${`${(r.efficiency * 100).toFixed(1)}%`.padStart(10)}  ${r.cpuTextsPerSec.toFixed(0).padStart(11)}`,
    ),
    `peak RSS ${report.peakRssMb.toFixed(0)} MB (main thread process, workers included); load average ${report.loadAverage.map((l) => l.toFixed(2)).join(' → ')}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
process.exit(0);
