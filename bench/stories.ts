/**
 * Story detection: accuracy over the threshold on the labelled syndicated set, then the index's throughput and
 * memory with a full window: `npm run bench:stories [-- --items=1000000 --json]`.
 */
import { drawSlots, fill } from '../fixtures/generator/compose.ts';
import { Rng } from '../fixtures/generator/prng.ts';
import { readWatchlist } from '../fixtures/generator/streams.ts';
import { labelledStorySet, syndicatedCopy } from '../fixtures/generator/syndication.ts';
import { COMPANY_EVENTS } from '../fixtures/generator/templates.ts';
import { entityMask } from '../src/stories/entity-mask.ts';
import { pairwiseAccuracy } from '../src/stories/pairwise-accuracy.ts';
import { STORY_DEFAULTS, StoryIndex } from '../src/stories/story-index.ts';
import { createTopicMatcher } from '../src/topics/matcher.ts';

const json = process.argv.includes('--json');
const windowItems = Number(
  process.argv.find((a) => a.startsWith('--items='))?.slice(8) ?? STORY_DEFAULTS.capacity,
);
const measured = Math.max(100_000, Math.floor(windowItems / 5));
const watchlist = readWatchlist();

// 1. Pairwise accuracy over the threshold on the labelled set.
const labelled = labelledStorySet(watchlist);
const matcher = createTopicMatcher({ watchlist, keywords: [] });
const labelledMasks = labelled.map((item) =>
  entityMask(matcher.match({ ...item, source: 'bench' })),
);
const curve = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9].map((threshold) => {
  const index = new StoryIndex({ ...STORY_DEFAULTS, capacity: labelled.length, threshold });
  const assigned = labelled.map((item, i) => ({
    truth: item.storyId,
    predicted: index.assign(item.id, item.title, Date.parse(item.publishedAt), labelledMasks[i])
      .storyId,
    group: `${item.company}/${item.day}`,
  }));
  return { threshold, ...pairwiseAccuracy(assigned) };
});

// 2. Throughput with the window full: a million headlines over 48 h, a quarter of them new stories.
const rng = new Rng(48);
const titles: string[] = [];
// The topic stage has found each item's tickers before the story stage runs: drawn here from the generator.
const masks = new Uint32Array(windowItems + measured);
const recent: Array<{ title: string; company: (typeof watchlist.companies)[number] }> = [];
const maskOf = (ticker: string) => entityMask([{ kind: 'ticker', key: ticker }]);
for (let i = 0; i < windowItems + measured; i++) {
  const copyOf = recent.length > 0 && rng.chance(0.75) ? rng.pick(recent) : undefined;
  if (copyOf) {
    masks[i] = maskOf(copyOf.company.ticker);
    titles.push(syndicatedCopy(copyOf.title, copyOf.company, rng));
    continue;
  }
  const company = rng.pick(watchlist.companies);
  const template = rng.pick(COMPANY_EVENTS);
  const slots = { ...drawSlots(template, company, rng), co: company.name, peer: 'rivals' };
  // Templates repeat their words for every company; real stories differ in more words (people, places,
  // products), so three invented names keep the bench's new stories apart as they are in the wild.
  const title = `${fill(rng.pick(template.titles), slots)}: ${inventedName(rng)} and ${inventedName(rng)} in ${inventedName(rng)}`;
  masks[i] = maskOf(company.ticker);
  titles.push(title);
  if (recent.length >= 2_000) recent[rng.int(0, recent.length - 1)] = { title, company };
  else recent.push({ title, company });
}
function inventedName(rng: Rng): string {
  const syllables = [
    'ka',
    'lo',
    'mer',
    'vin',
    'sa',
    'to',
    'rel',
    'dun',
    'bra',
    'ost',
    'fel',
    'gar',
  ];
  let name = '';
  for (let n = rng.int(3, 5); n > 0; n--) name += rng.pick(syllables);
  return `${name[0]?.toUpperCase()}${name.slice(1)}`;
}

const spacingMs = STORY_DEFAULTS.windowMs / windowItems;
const t0 = Date.parse('2026-03-02T00:00:00Z');

const before = process.memoryUsage();
const index = new StoryIndex({ ...STORY_DEFAULTS, capacity: windowItems });
const fillStart = performance.now();
for (let i = 0; i < windowItems; i++)
  index.assign(`item-${i}`, titles[i] ?? '', t0 + i * spacingMs, masks[i]);
const fillMs = performance.now() - fillStart;
globalThis.gc?.();
const after = process.memoryUsage();

let stories = 0;
const start = performance.now();
for (let i = windowItems; i < windowItems + measured; i++) {
  if (index.assign(`item-${i}`, titles[i] ?? '', t0 + i * spacingMs, masks[i]).firstOfStory)
    stories++;
}
const elapsedMs = performance.now() - start;

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const result = {
  bench: 'stories',
  threshold: STORY_DEFAULTS.threshold,
  labelledItems: labelled.length,
  curve,
  windowItems: index.size,
  fillItemsPerSec: Math.round(windowItems / (fillMs / 1000)),
  itemsPerSec: Math.round(measured / (elapsedMs / 1000)),
  microsPerItem: Number(((elapsedMs * 1000) / measured).toFixed(2)),
  newStoryShare: Number((stories / measured).toFixed(3)),
  memoryMiB: {
    rss: mib(after.rss - before.rss),
    heap: mib(after.heapUsed - before.heapUsed),
    arrayBuffers: mib(after.arrayBuffers - before.arrayBuffers),
  },
};

if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `labelled set: ${labelled.length} items; threshold → precision / recall / hard negatives merged`,
  );
  for (const p of curve) {
    console.log(
      `  ${p.threshold.toFixed(2)}${p.threshold === result.threshold ? '*' : ' '} ${p.precision.toFixed(4)} / ${p.recall.toFixed(4)} / ${(p.hardNegativesMerged * 100).toFixed(2)}% of ${p.hardNegativePairs}`,
    );
  }
  console.log(
    `stories: ${result.itemsPerSec.toLocaleString('en-US')} items/s (${result.microsPerItem} µs/item) with ${result.windowItems.toLocaleString('en-US')} items in the window ` +
      `(filled at ${result.fillItemsPerSec.toLocaleString('en-US')} items/s); memory for the window: rss +${result.memoryMiB.rss} MiB ` +
      `(typed arrays ${result.memoryMiB.arrayBuffers} MiB, heap +${result.memoryMiB.heap} MiB)`,
  );
}
