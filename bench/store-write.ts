// Measures Store.writeScored throughput (items/s) for large batches on the embedded store (chdb) or a ClickHouse server, the cost of replaying a batch (all duplicates), and of the rollup reads over everything written.
//
// usage: npx tsx bench/store-write.ts [--store embedded|clickhouse] [--batch 5000] [--batches 6] [--url http://127.0.0.1:8123] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/core/logger.ts';
import type { ScoredItem, SentimentLabel } from '../src/core/news.ts';
import { createStore } from '../src/store/create-store.ts';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'embedded' },
    batch: { type: 'string', default: '5000' },
    batches: { type: 'string', default: '6' },
    url: { type: 'string', default: 'http://127.0.0.1:8123' },
    json: { type: 'boolean', default: false },
  },
});
const batchSize = Number(args.batch);
const batches = Number(args.batches);
if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(batches) || batches < 1) {
  throw new Error('--batch and --batches take positive integers');
}
if (args.store !== 'embedded' && args.store !== 'clickhouse') {
  throw new Error('--store is embedded or clickhouse');
}

const dir = mkdtempSync(join(tmpdir(), 'bellwether-bench-store-'));
const store = await createStore(
  args.store === 'embedded'
    ? { type: 'embedded', path: dir }
    : {
        type: 'clickhouse',
        url: args.url,
        username: 'default',
        password: '',
        database: 'bellwether_bench',
        requestTimeoutMs: 120_000,
      },
  { logger: silentLogger },
);
await store.connect();

const run = Date.now().toString(36);
const start = Date.UTC(2026, 0, 1);
const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

// Shaped like real traffic: a ticker, a sector and the source per item, ~80-character link ids.
function makeBatch(b: number): ScoredItem[] {
  const now = new Date().toISOString();
  return Array.from({ length: batchSize }, (_, i) => {
    const n = b * batchSize + i;
    const score = Math.sin(n) * 0.9;
    return {
      id: `https://news.example/markets/${run}/${n}/company-shares-move-after-results`,
      source: `wire-${n % 7}`,
      url: `https://news.example/markets/${run}/${n}`,
      title: `Company T${n % 80} shares move after quarterly results beat estimates (${n})`,
      summary: 'A sentence or two of summary text, about as long as feeds usually carry.',
      publishedAt: new Date(start + n * 2_000).toISOString(),
      fetchedAt: now,
      lang: 'en',
      modelVersion: 'bench',
      label: LABELS[Math.floor(((score + 1) / 2) * 2.999)] ?? 'neutral',
      probs: { negative: 0.3, neutral: 0.4, positive: 0.3 },
      score,
      topics: [
        { kind: 'ticker', key: `T${n % 80}`, relevance: 1 },
        { kind: 'sector', key: `S${n % 11}`, relevance: 0.5 },
        { kind: 'source', key: `wire-${n % 7}` },
      ],
      scoredAt: now,
    };
  });
}

const rates: number[] = [];
for (let b = 0; b < batches; b++) {
  const items = makeBatch(b);
  const t0 = performance.now();
  const result = await store.writeScored(items);
  const seconds = (performance.now() - t0) / 1000;
  if (result.inserted !== batchSize) throw new Error(`batch ${b}: ${result.inserted} inserted`);
  rates.push(batchSize / seconds);
}
const replayItems = makeBatch(0);
const t0 = performance.now();
const replay = await store.writeScored(replayItems);
const replayMs = performance.now() - t0;
if (replay.duplicates !== batchSize) throw new Error(`replay: ${replay.duplicates} duplicates`);

/** Median of three runs of a read, in ms. */
async function readMs(read: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await read();
    times.push(performance.now() - t);
  }
  return Math.round(times.sort((a, b) => a - b)[1] ?? 0);
}
// The rollup reads over the whole written range: alert windows, movers, one topic's series.
const endMs = start + batches * batchSize * 2_000;
const reads = {
  topicCountsMs: await readMs(() => store.topicCounts({ fromMs: start, toMs: endMs })),
  topMoversMs: await readMs(() =>
    store.topMovers({ nowMs: endMs, windowMs: (endMs - start) / 2, minCount: 1, limit: 10 }),
  ),
  topicSeriesMs: await readMs(() =>
    store.topicSeries({
      kind: 'ticker',
      key: 'T1',
      fromMs: start,
      toMs: endMs,
      bucketMs: 3_600_000,
    }),
  ),
};
await store.close();
rmSync(dir, { recursive: true, force: true });

const sorted = [...rates].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const report = {
  store: args.store,
  batchSize,
  batches,
  medianItemsPerSecond: Math.round(median),
  minItemsPerSecond: Math.round(sorted[0] ?? 0),
  maxItemsPerSecond: Math.round(sorted[sorted.length - 1] ?? 0),
  replayAllDuplicatesMs: Math.round(replayMs),
  ...reads,
};
if (args.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(
    `${report.store}: ${batches} batches of ${batchSize} items: median ${report.medianItemsPerSecond} items/s ` +
      `(min ${report.minItemsPerSecond}, max ${report.maxItemsPerSecond}); ` +
      `replaying a batch (all duplicates) took ${report.replayAllDuplicatesMs} ms; ` +
      `reads over all items: topicCounts ${reads.topicCountsMs} ms, topMovers ${reads.topMoversMs} ms, ` +
      `topicSeries ${reads.topicSeriesMs} ms`,
  );
}
