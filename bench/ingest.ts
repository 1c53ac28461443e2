/** Ingest throughput on the fixture streams: parsing (readStream) and replay at --speed max onto the memory bus: `npm run bench:ingest [-- --json]`. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBus } from '../src/bus/memory/memory-bus.ts';
import { silentLogger } from '../src/core/logger.ts';
import { readStream, type StreamContents } from '../src/ingest/replay/read-stream.ts';
import { replayItems } from '../src/ingest/replay/replay-stream.ts';

const json = process.argv.includes('--json');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? '3');
const root = join(import.meta.dirname, '../fixtures/streams');
const names = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

// Parsing: every stream, `rounds` times after one warm-up pass.
const contents: StreamContents[] = [];
for (const name of names) contents.push(await readStream(join(root, name)));
let parsed = 0;
const parseStart = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const name of names) parsed += (await readStream(join(root, name))).items.length;
}
const parseMs = performance.now() - parseStart;

// Replay: the biggest stream onto a memory bus with default capacity, drained by one consumer group,
// so backpressure is part of the figure.
const biggest = contents.reduce((a, b) => (b.items.length > a.items.length ? b : a));
const bus = new MemoryBus({ partitions: 4, capacity: 10_000 }, silentLogger);
await bus.connect();
let consumed = 0;
const sub = await bus.subscribe(
  { topic: 'news.raw', group: 'bench', maxBatchSize: 500, lingerMs: 0 },
  async (batch) => {
    consumed += batch.length;
  },
);
let published = 0;
const replayStart = performance.now();
for (let r = 0; r < rounds; r++) {
  published += (await replayItems(biggest, { bus, topic: 'news.raw', speed: 'max' })).published;
}
const deadline = Date.now() + 10_000;
while (consumed < published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
const replayMs = performance.now() - replayStart;
await sub.close();
await bus.close();

const result = {
  bench: 'ingest',
  streams: names.length,
  parseItems: parsed,
  parseItemsPerSec: Math.round(parsed / (parseMs / 1000)),
  replayItems: published,
  replayConsumed: consumed,
  replayItemsPerSec: Math.round(consumed / (replayMs / 1000)),
  replayStreamItems: biggest.items.length,
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `ingest: parse+normalize ${result.parseItemsPerSec.toLocaleString('en-US')} items/s over ${names.length} streams ×${rounds}; ` +
      `replay --speed max onto the memory bus (consumed) ${result.replayItemsPerSec.toLocaleString('en-US')} items/s ` +
      `(${result.replayStreamItems} items ×${rounds})`,
  );
}
