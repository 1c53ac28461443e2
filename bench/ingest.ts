/** Ingest throughput on the fixture streams: parsing (readStream), replay at --speed max onto the memory bus, and hostile feed bodies: `npm run bench:ingest [-- --json]`. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBus } from '../src/bus/memory/memory-bus.ts';
import { silentLogger } from '../src/core/logger.ts';
import { readStream, type StreamContents } from '../src/ingest/replay/read-stream.ts';
import { replayItems } from '../src/ingest/replay/replay-stream.ts';
import { feedBodyToItems } from '../src/ingest/rss/feed-items.ts';
import { repairFeedXml } from '../src/ingest/rss/xml-repair.ts';

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

// Hostile feed bodies: markup that made the XML repair quadratic, timed alone and as a whole poll's parse.
function feedOf(unit: (i: number) => string, bytes: number): string {
  const parts: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    parts.push(unit(i));
    size += parts[i]?.length ?? 0;
  }
  return `<rss version="2.0"><channel>${parts.join('')}</channel></rss>`;
}
const hostileBodies = {
  '168 KB, </titl> in every item': feedOf(
    (i) =>
      `<item><guid>${i}</guid><title>Headline number ${i}</titl><description>d</description></item>`,
    168 * 1024,
  ),
  '64 KB of unclosed <title>': feedOf(() => '<title>0123456789', 64 * 1024),
  '4 MB, every kind of unclosed markup': feedOf(
    (i) =>
      `<item><guid>${i}</guid><title>H ${i} &amp; <b>up</b></titl><description><![CDATA[x <!-- y</description></item><title>z`,
    4 * 1024 * 1024,
  ),
};
const hostile = [];
for (const [name, xml] of Object.entries(hostileBodies)) {
  const repairStart = performance.now();
  repairFeedXml(xml, false);
  const repairMs = performance.now() - repairStart;
  const parseStart = performance.now();
  const batch = await feedBodyToItems(Buffer.from(xml), {
    where: 'bench',
    source: 'bench',
    fetchedAt: new Date().toISOString(),
  });
  const parseMs = performance.now() - parseStart;
  hostile.push({
    name,
    bytes: xml.length,
    repairMs: Math.round(repairMs),
    bodyToItemsMs: Math.round(parseMs),
    rejected: batch.rejected,
  });
}

const result = {
  bench: 'ingest',
  streams: names.length,
  parseItems: parsed,
  parseItemsPerSec: Math.round(parsed / (parseMs / 1000)),
  replayItems: published,
  replayConsumed: consumed,
  replayItemsPerSec: Math.round(consumed / (replayMs / 1000)),
  replayStreamItems: biggest.items.length,
  hostile,
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `ingest: parse+normalize ${result.parseItemsPerSec.toLocaleString('en-US')} items/s over ${names.length} streams ×${rounds}; ` +
      `replay --speed max onto the memory bus (consumed) ${result.replayItemsPerSec.toLocaleString('en-US')} items/s ` +
      `(${result.replayStreamItems} items ×${rounds})`,
  );
  for (const h of hostile) {
    console.log(
      `hostile body ${h.name}: repair ${h.repairMs} ms, body → items ${h.bodyToItemsMs} ms (${h.rejected} rejected)`,
    );
  }
}
