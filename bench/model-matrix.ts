/**
 * What `npm run bench:model` runs without --model or --backend: bench/model.ts once per shipped model and
 * backend, each in its own process (one backend per process, as a scorer has), folded into one table.
 * The accurate model is read at batch 32 and 256 in one thread; the fast one at 1/32/256 in one thread
 * and with 2 workers. A backend that is not provisioned is reported as skipped with its reason.
 */
import { spawn } from 'node:child_process';

export interface Row {
  workers: number;
  batch: number;
  textsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  runs: number;
  efficiency: number;
  /** Texts per second of CPU time the process spent (all its threads): what a shared machine disturbs least. */
  cpuTextsPerSec: number;
}

export interface ModelReport {
  backend: string;
  model: string;
  meanTokensPerText: number;
  flopsPerText: number;
  matmulGflops: number;
  peakRssMb: number;
  /** One-minute load average before and after the timed runs. */
  loadAverage: number[];
  results: Row[];
}

const MODELS = [
  { dir: 'models/default', workers: '0,2', batches: '1,32,256', minRuns: undefined },
  // A batch of 256 takes seconds here, so three timed runs (after two warm ones) make its median.
  { dir: 'models/accurate', workers: '0', batches: '32,256', minRuns: '3' },
] as const;
const BACKENDS = ['wasm', 'tensorflow'] as const;

/** One child run of bench/model.ts; its last stdout line is the JSON report, or it failed with a reason on stderr. */
function runOne(args: string[]): Promise<{ report?: ModelReport; reason?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, new URL('./model.ts', import.meta.url).pathname, ...args, '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve({ report: JSON.parse(last) as ModelReport });
      else {
        const lines = stderr.trim().split('\n');
        resolve({
          reason: lines.find((l) => /error|not provisioned|cannot/i.test(l)) ?? lines.pop(),
        });
      }
    });
  });
}

function table(reports: readonly ModelReport[]): string {
  const head =
    'model                      backend     workers batch   texts/s   p50 ms   p99 ms  runs  MFLOP/text  efficiency  texts/cpu-s';
  const lines = reports.flatMap((r) =>
    r.results.map((row) =>
      [
        r.model.padEnd(26),
        r.backend.padEnd(11),
        String(row.workers === 0 ? 'in-proc' : row.workers).padStart(7),
        String(row.batch).padStart(5),
        row.textsPerSec.toFixed(0).padStart(9),
        row.p50Ms.toFixed(1).padStart(8),
        row.p99Ms.toFixed(1).padStart(8),
        String(row.runs).padStart(5),
        (r.flopsPerText / 1e6).toFixed(1).padStart(11),
        `${(row.efficiency * 100).toFixed(1)}%`.padStart(11),
        row.cpuTextsPerSec.toFixed(0).padStart(12),
      ].join(' '),
    ),
  );
  const ceilings = reports.map(
    (r) =>
      `${r.model} on ${r.backend}: ${r.meanTokensPerText.toFixed(1)} tokens/text, matmul 1024³ ${r.matmulGflops.toFixed(2)} GFLOP/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, load average ${r.loadAverage.map((l) => l.toFixed(2)).join(' → ')}`,
  );
  return [head, ...lines, '', ...ceilings].join('\n');
}

/** Runs every model on every backend in turn (never two at once: they would share the cores). */
export async function runModelMatrix(seconds: string, json: boolean): Promise<void> {
  const reports: ModelReport[] = [];
  const skipped: string[] = [];
  for (const model of MODELS) {
    for (const backend of BACKENDS) {
      if (!json) process.stderr.write(`bench:model ${model.dir} on ${backend} …\n`);
      const args = ['--model', model.dir, '--backend', backend, '--workers', model.workers];
      args.push('--batches', model.batches, '--seconds', seconds);
      if (model.minRuns) args.push('--min-runs', model.minRuns);
      const { report, reason } = await runOne(args);
      if (report) reports.push(report);
      else skipped.push(`${model.dir} on ${backend}: skipped (${reason ?? 'no report'})`);
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ reports, skipped })}\n`);
    return;
  }
  process.stdout.write(`${table(reports)}\n${skipped.join('\n')}${skipped.length ? '\n' : ''}`);
}
