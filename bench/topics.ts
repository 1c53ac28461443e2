/** Topic matcher throughput on the fixture streams' published items: `npm run bench:topics [-- --json]`. */
import { fileURLToPath } from 'node:url';
import { generateStream, STREAM_NAMES } from '../fixtures/generator/streams.ts';
import { createTopicMatcher } from '../src/topics/matcher.ts';
import { loadWatchlist } from '../src/topics/watchlist.ts';

const json = process.argv.includes('--json');
const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? '3');

const watchlist = loadWatchlist(
  fileURLToPath(new URL('../config/watchlist.json', import.meta.url)),
);
const keywords = ['recall*', 'lawsuit*', 'bankruptcy', 'layoff*', 'downgrade*', 'fraud'];

const compileStart = performance.now();
const matcher = createTopicMatcher({ watchlist, keywords });
const compileMs = performance.now() - compileStart;

// Every published item of every stream, except the 1 MB body, which would dominate the timing.
const items = STREAM_NAMES.flatMap((name) =>
  generateStream(name, watchlist).tally.distinct.map(({ entry, source }) => ({
    title: entry.title,
    summary: entry.summary?.slice(0, 20_000),
    source,
  })),
).filter((item) => (item.summary?.length ?? 0) < 5_000);
const chars = items.reduce((sum, i) => sum + i.title.length + (i.summary?.length ?? 0), 0);

// Warm up so the timing measures compiled code, not the first pass through the JIT.
let mentions = 0;
for (const item of items) mentions += matcher.match(item).length;

let matched = 0;
const start = performance.now();
const deadline = start + seconds * 1000;
while (performance.now() < deadline) {
  for (const item of items) matcher.match(item);
  matched += items.length;
}
const elapsedMs = performance.now() - start;

const result = {
  bench: 'topics',
  items: matched,
  itemsPerSec: Math.round(matched / (elapsedMs / 1000)),
  microsPerItem: Number(((elapsedMs * 1000) / matched).toFixed(2)),
  avgChars: Math.round(chars / items.length),
  mentionsPerItem: Number((mentions / items.length).toFixed(2)),
  companies: watchlist.companies.length,
  keywords: keywords.length,
  compileMs: Number(compileMs.toFixed(2)),
};

if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `topics: ${result.itemsPerSec.toLocaleString('en-US')} items/s (${result.microsPerItem} µs/item, ` +
      `${result.avgChars} chars/item, ${result.mentionsPerItem} mentions/item) over ${matched.toLocaleString('en-US')} items; ` +
      `${result.companies} companies + ${result.keywords} keywords compiled in ${result.compileMs} ms`,
  );
}
