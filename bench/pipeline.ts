/**
 * bench:pipeline — items/s through replay → score → store in one process, the share of wall time each stage
 * spent working, and publish-to-stored latency p50/p99; on the embedded defaults, and with `--bus kafka
 * --store clickhouse` (needing the deploy/ services) beside the embedded figures in the same run.
 * Per-company sentiment (scoring.entities): by default the embedded run is measured with it off and with
 * `multi`, and how many items got entity scores; `--entities off|multi|always` measures that mode alone
 * (and fails, naming the path, when the entity model is not there).
 *
 *   npm run bench:pipeline [-- --stream fixtures/streams/demo] [--copies 4] [--entities multi] [--entity-model <dir>]
 *                          [--model <dir>] [--backend wasm] [--scoring-batch 256] [--bus kafka --store clickhouse] [--json]
 *
 * --copies n replays n copies of the stream, each as sources of their own (bench/stream-copies.ts): a run long
 * enough that warm-up is a small part of it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENTITY_MODES, type EntityMode } from '../src/config/entities.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { describeError } from '../src/core/errors.ts';
import { createLogger } from '../src/core/logger.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import { copyStream } from './stream-copies.ts';

interface Figures {
  setup: string;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  /** Busy time of each stage over the wall time; stages run concurrently, so shares overlap. */
  stageBusy: { score: number; store: number };
  latencyMs: { p50: number; p99: number; max: number };
  /**
   * CPU time of the whole process (main thread and scoring workers) per stored item: unlike items/s it
   * barely moves with other load on the machine, and 1000 × cores / cpuMsPerItem bounds items/s.
   */
  cpuMsPerItem: number;
  /** Scoring batches and their mean size: small batches mean the scorer waited on lingering. */
  scoreBatches: { count: number; meanSize: number };
  backend: string;
  /** scoring.entities.mode, and the items that got entity scores (with how many scores in all). */
  entities: { mode: EntityMode; items: number; scores: number };
}

/** A run that could not be measured (the entity model missing, say), with the reason. */
interface Skipped {
  setup: string;
  skipped: string;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN);

async function measure(config: Config, stream: string, setup: string): Promise<Figures> {
  const logger = createLogger({ level: 'warn', pretty: false });
  const latencies: number[] = [];
  let scoringMs = 0;
  let storeMs = 0;
  let scoreBatches = 0;
  let scoredItems = 0;
  const pipeline = new Pipeline({
    config,
    logger,
    replay: { dir: stream, speed: 'max' },
    observer: {
      onScored: (size, ms) => {
        scoringMs += ms;
        scoreBatches += 1;
        scoredItems += size;
      },
      onStored: (items, ms) => {
        storeMs += ms;
        const now = Date.now();
        for (const item of items) latencies.push(now - Date.parse(item.fetchedAt));
      },
    },
  });
  await pipeline.start();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await pipeline.untilDrained(AbortSignal.timeout(600_000));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const summary = pipeline.summary();
  await pipeline.stop();
  latencies.sort((a, b) => a - b);
  const wallMs = seconds * 1000;
  return {
    setup,
    items: summary.stored,
    seconds: Number(seconds.toFixed(2)),
    itemsPerSecond: Math.round(summary.stored / seconds),
    stageBusy: {
      score: Number((scoringMs / wallMs).toFixed(3)),
      store: Number((storeMs / wallMs).toFixed(3)),
    },
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    cpuMsPerItem: Number(((cpu.user + cpu.system) / 1000 / summary.stored).toFixed(3)),
    scoreBatches: {
      count: scoreBatches,
      meanSize: Math.round(scoredItems / Math.max(1, scoreBatches)),
    },
    backend: summary.backend,
    entities: {
      mode: config.scoring.entities.mode,
      items: summary.entities?.items ?? 0,
      scores: summary.entities?.entities ?? 0,
    },
  };
}

const { values } = parseArgs({
  options: {
    stream: { type: 'string', default: 'fixtures/streams/demo' },
    copies: { type: 'string', default: '1' },
    bus: { type: 'string' },
    store: { type: 'string' },
    json: { type: 'boolean', default: false },
    entities: { type: 'string' },
    'entity-model': { type: 'string' },
    /** The sentiment model to score with (model.path); the configured default when absent. */
    model: { type: 'string' },
    /** Pins model.backend ('auto' probes and keeps the fastest). */
    backend: { type: 'string' },
    /** scoring.maxBatchSize, to measure batch sizes against the default. */
    'scoring-batch': { type: 'string' },
  },
});
const entityMode = values.entities;
if (entityMode !== undefined && !(ENTITY_MODES as readonly string[]).includes(entityMode)) {
  process.stderr.write(
    `bench:pipeline: --entities takes ${ENTITY_MODES.join(' | ')}, not '${entityMode}'\n`,
  );
  process.exit(2);
}

const copies = Number(values.copies);
if (!Number.isInteger(copies) || copies < 1) {
  process.stderr.write(
    `bench:pipeline: --copies takes a whole number of at least 1, not '${values.copies}'\n`,
  );
  process.exit(2);
}
const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-bench-'));
const copiesDir = join(dataDir, 'stream');
if (copies > 1) mkdirSync(copiesDir);
const stream = copies === 1 ? values.stream : await copyStream(values.stream, copies, copiesDir);
const streamName = copies === 1 ? values.stream : `${values.stream} ×${copies}`;
const base = (extra: Record<string, string>, entities: string = entityMode ?? 'off') => {
  const { config } = loadConfig(undefined, {
    BELLWETHER_STORE_PATH: join(dataDir, [...Object.values(extra), entities].join('-')),
    BELLWETHER_ENTITIES: entities,
    ...(values['entity-model'] ? { BELLWETHER_ENTITY_MODEL: values['entity-model'] } : {}),
    ...(values.model ? { BELLWETHER_MODEL: values.model } : {}),
    ...(values.backend ? { BELLWETHER_BACKEND: values.backend } : {}),
    ...extra,
  });
  config.web.enabled = false;
  config.alerts.enabled = false;
  if (values['scoring-batch']) config.scoring.maxBatchSize = Number(values['scoring-batch']);
  return config;
};
const results: (Figures | Skipped)[] = [];
const embedded = 'memory bus + embedded store';
try {
  results.push(await measure(base({}), stream, embedded));
  if (entityMode === undefined) {
    // The same run with entities on, unless the entity model cannot be loaded: then say why.
    const setup = `${embedded}, entities multi`;
    results.push(
      await measure(base({}, 'multi'), stream, setup).catch((error: unknown) => ({
        setup,
        skipped: describeError(error),
      })),
    );
  }
  if (values.bus || values.store) {
    const extra: Record<string, string> = {};
    if (values.bus) extra.BELLWETHER_BUS = values.bus;
    if (values.store) extra.BELLWETHER_STORE = values.store;
    const config = base(extra);
    // A run id keeps this run's topics and groups apart from earlier runs on the same broker.
    const run = Date.now().toString(36);
    config.bus.topics = {
      raw: `bench.${run}.raw`,
      scored: `bench.${run}.scored`,
      dlq: `bench.${run}.dlq`,
    };
    config.scoring.group = `bench-${run}-scorer`;
    config.sink.group = `bench-${run}-sink`;
    if (config.store.type === 'clickhouse') config.store.database = `bench_${run}`;
    results.push(
      await measure(
        config,
        stream,
        `${values.bus ?? 'memory'} bus + ${values.store ?? 'embedded'} store`,
      ),
    );
  }
} catch (error) {
  // A setup that cannot start (no entity model for --entities, a broker down) is named, not a stack trace.
  process.stderr.write(`bench:pipeline: ${describeError(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
if (process.exitCode === 1) process.exit();

if (values.json) {
  process.stdout.write(`${JSON.stringify({ stream: streamName, results })}\n`);
} else {
  process.stdout.write(`bench:pipeline — ${streamName}, replay at max speed, alerts off\n`);
  for (const r of results) {
    if ('skipped' in r) {
      process.stdout.write(`${r.setup.padEnd(44)} skipped: ${r.skipped}\n`);
      continue;
    }
    const entities =
      r.entities.mode === 'off'
        ? 'entities off'
        : `entities ${r.entities.mode}: ${r.entities.items} items (${r.entities.scores} scores)`;
    process.stdout.write(
      `${r.setup.padEnd(44)} ${String(r.items).padStart(6)} items  ${r.seconds.toFixed(2).padStart(7)} s  ${String(r.itemsPerSecond).padStart(6)} items/s  ` +
        `busy: score ${(r.stageBusy.score * 100).toFixed(0)}%, store ${(r.stageBusy.store * 100).toFixed(0)}%  ` +
        `publish→stored p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms  ` +
        `cpu ${r.cpuMsPerItem.toFixed(2)} ms/item  ${r.scoreBatches.count} score batches of ${r.scoreBatches.meanSize}  ${entities}  (${r.backend})\n`,
    );
  }
}
