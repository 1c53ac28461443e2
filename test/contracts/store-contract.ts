/**
 * The Store conformance suite: every adapter runs it unchanged (`runStoreContract('embedded', makeStore)`).
 * `makeStore` returns a new, unconnected store over the same data each call (a restart). Every test writes
 * under its own model version, item ids and rule names, so the suite can share a long-lived server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../src/core/alert.ts';
import { alertFingerprint } from '../../src/core/alert.ts';
import { UsageError } from '../../src/core/errors.ts';
import type { ScoredItem, SentimentLabel, TopicKind, TopicMention } from '../../src/core/news.ts';
import type { TopicWindowCounts } from '../../src/core/rollup.ts';
import type { Store } from '../../src/core/store.ts';
import { loadMigrations } from '../../src/store/migrations.ts';

const MINUTE = 60_000;
/** A minute-aligned instant in the past, so no test data lands in a window relative to "now". */
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

const HOSTILE_KEYS = [
  "O'Brien & Sons",
  'back\\slash\\',
  "'; DROP TABLE scored_items; --",
  '{key:String} {mv:String}',
  '"double" `tick`',
  'line\nbreak\ttab',
  'nul\u0000byte',
  'ünïcødé 📉',
];

interface Spec {
  id: string;
  atMs: number;
  label: SentimentLabel;
  score: number;
  topics: TopicMention[];
}

function probsFor(score: number): ScoredItem['probs'] {
  const positive = Math.max(score, 0) + 0.05;
  const negative = Math.max(-score, 0) + 0.05;
  return { negative, neutral: Math.max(0, 1 - positive - negative), positive };
}

function makeItem(spec: Spec, modelVersion: string): ScoredItem {
  return {
    id: spec.id,
    source: 'contract-wire',
    url: `https://news.example/${encodeURIComponent(spec.id)}`,
    title: `Headline ${spec.id}`,
    summary: `Summary of ${spec.id}`,
    publishedAt: new Date(spec.atMs).toISOString(),
    fetchedAt: new Date(spec.atMs + 1_500).toISOString(),
    lang: 'en',
    modelVersion,
    label: spec.label,
    probs: probsFor(spec.score),
    score: spec.score,
    topics: spec.topics,
    scoredAt: new Date().toISOString(),
  };
}

const t = (kind: TopicKind, key: string, relevance?: number): TopicMention =>
  relevance === undefined ? { kind, key } : { kind, key, relevance };

/** The reference the rollup must match: a plain loop over distinct items, minute-start window rule. */
function expectedCounts(
  items: readonly ScoredItem[],
  fromMs: number,
  toMs: number,
): TopicWindowCounts[] {
  const seen = new Set<string>();
  const totals = new Map<string, TopicWindowCounts>();
  // Distinct stories per topic; an item without a story is a story of its own.
  const stories = new Map<string, { all: Set<string>; negative: Set<string> }>();
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    const minute = Math.floor(Date.parse(item.publishedAt) / MINUTE) * MINUTE;
    if (minute < fromMs || minute >= toMs) continue;
    const mentioned = new Set<string>();
    for (const topic of item.topics) {
      const id = `${topic.kind}|${topic.key}`;
      if (mentioned.has(id)) continue;
      mentioned.add(id);
      const row = totals.get(id) ?? {
        kind: topic.kind,
        key: topic.key,
        count: 0,
        negatives: 0,
        positives: 0,
        scoreSum: 0,
      };
      row.count += 1;
      row.negatives += item.label === 'negative' ? 1 : 0;
      row.positives += item.label === 'positive' ? 1 : 0;
      row.scoreSum += item.score;
      totals.set(id, row);
      const story = item.story?.storyId ?? `item:${item.id}`;
      const sets = stories.get(id) ?? { all: new Set<string>(), negative: new Set<string>() };
      sets.all.add(story);
      if (item.label === 'negative') sets.negative.add(story);
      stories.set(id, sets);
    }
  }
  for (const [id, row] of totals) {
    row.stories = stories.get(id)?.all.size ?? 0;
    row.negativeStories = stories.get(id)?.negative.size ?? 0;
  }
  return [...totals.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key),
  );
}

/** Sorted, with score sums rounded: float sums may differ in the last bits by summation order. */
function normalized(rows: readonly TopicWindowCounts[]): TopicWindowCounts[] {
  return [...rows]
    .map((r) => ({ ...r, scoreSum: Math.round(r.scoreSum * 1e9) / 1e9 }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key));
}

/** The item as the store gives it back: duplicate mentions folded, relevance defaulted to 1. */
function asStored(item: ScoredItem): ScoredItem {
  const topics = new Map<string, TopicMention>();
  for (const topic of item.topics) {
    const id = `${topic.kind}|${topic.key}`;
    const prev = topics.get(id);
    const relevance = topic.relevance ?? 1;
    if (!prev || relevance > (prev.relevance ?? 1)) topics.set(id, { ...topic, relevance });
  }
  return { ...item, topics: [...topics.values()] };
}

function alert(rule: string, key: string, state: Alert['state'], evaluatedAt: number): Alert {
  return {
    rule,
    labels: { topic_kind: 'ticker', topic_key: key, team: 'markets' },
    annotations: { summary: `${key} negative share spiked`, current: '0.71' },
    state,
    severity: 'warning',
    activeAt: new Date(evaluatedAt - 5 * MINUTE).toISOString(),
    evaluatedAt: new Date(evaluatedAt).toISOString(),
    value: 0.71,
  };
}

function transition(
  rule: string,
  key: string,
  atMs: number,
  from: AlertTransition['from'],
  to: AlertTransition['to'],
  value?: number,
): AlertTransition {
  const labels = { topic_kind: 'ticker', topic_key: key };
  return {
    at: new Date(atMs).toISOString(),
    rule,
    fingerprint: alertFingerprint(rule, labels),
    labels,
    annotations: { summary: `${key}: ${from} → ${to}` },
    from,
    to,
    severity: 'critical',
    ...(value === undefined ? {} : { value }),
  };
}

export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    const version = (label: string) => `contract-${run}-${label}`;
    const itemId = (label: string) => `${run}:${label}`;
    // Alert transitions are queried by time only; a time base of its own keeps runs on a shared server apart.
    const TA = Date.UTC(2024, 0, 1) + Math.floor(Math.random() * 400_000) * 10 * MINUTE;
    let store: Store;

    async function restart(): Promise<Store> {
      await store.close();
      store = await makeStore();
      await store.connect();
      return store;
    }

    beforeAll(async () => {
      store = await makeStore();
      await store.connect();
    });

    afterAll(async () => {
      await store?.close();
    });

    it('applies every migration once; reconnecting and migrating again apply none', async () => {
      const expected = loadMigrations().length;
      expect(expected).toBeGreaterThanOrEqual(2);
      await restart();
      const again = await store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.version).toBe(Math.max(...loadMigrations().map((m) => m.version)));
      const rows = await store.query<{ n: number | string }>(
        'SELECT uniqExact(version) AS n FROM schema_migrations',
      );
      expect(Number(rows[0]?.n)).toBe(expected);
      const health = await store.healthcheck();
      expect(health.ok).toBe(true);
    });

    it('writes items and reads them back field for field', async () => {
      const mv = version('roundtrip');
      const full = makeItem(
        {
          id: itemId('rt-1'),
          atMs: T0 + 12_345,
          label: 'negative',
          score: -0.625,
          topics: [t('ticker', 'RTA', 0.9), t('sector', 'Energy', 0.4), t('ticker', 'RTA', 0.3)],
        },
        mv,
      );
      const bare: ScoredItem = {
        ...makeItem(
          { id: itemId('rt-2'), atMs: T0 + MINUTE, label: 'neutral', score: 0, topics: [] },
          mv,
        ),
      };
      delete bare.url;
      delete bare.summary;
      delete bare.lang;
      expect(await store.writeScored([full, bare])).toEqual({ inserted: 2, duplicates: 0 });

      const latest = await store.latestItems({ limit: 10, modelVersion: mv });
      expect(latest).toEqual([asStored(bare), asStored(full)]);
      const scanned = await store.scanItems({
        fromMs: T0,
        toMs: T0 + 2 * MINUTE,
        limit: 10,
        modelVersion: mv,
      });
      expect(scanned.map((i) => i.id)).toEqual([full.id, bare.id]);
      const page = await store.scanItems({
        fromMs: T0,
        toMs: T0 + 2 * MINUTE,
        limit: 10,
        modelVersion: mv,
        after: { publishedMs: Date.parse(full.publishedAt), id: full.id },
      });
      expect(page.map((i) => i.id)).toEqual([bare.id]);
      expect(await store.itemCount(mv)).toBe(2);
      expect(await store.writeScored([])).toEqual({ inserted: 0, duplicates: 0 });
    });

    it('issue 15.2 — stores each item’s story and counts items and distinct stories per topic', async () => {
      const mv = version('stories');
      const story = (storyId: string, firstOfStory: boolean, n: number) => ({
        storyId,
        firstOfStory,
        storyItems1h: n,
        storyItems24h: n,
      });
      const specs: Spec[] = Array.from({ length: 6 }, (_, i) => ({
        id: itemId(`story-${i}`),
        atMs: T0 + i * 20_000,
        label: i < 5 ? 'negative' : 'positive',
        score: i < 5 ? -0.8 : 0.6,
        topics: [t('ticker', 'STY')],
      }));
      // Four copies of one story, one other negative story, and an item stored without a story.
      const items = specs.map((s, i) => {
        const item = makeItem(s, mv);
        if (i < 4) return { ...item, story: story('00000000000a1', i === 0, i) };
        if (i === 4) return { ...item, story: story('00000000000b2', true, 0) };
        return item;
      });
      await store.writeScored(items);
      const window = { fromMs: T0, toMs: T0 + 10 * MINUTE, modelVersion: mv };
      const counts = await store.topicCounts(window);
      expect(counts).toMatchObject([{ count: 6, negatives: 5, stories: 3, negativeStories: 2 }]);
      expect(normalized(counts)).toEqual(normalized(expectedCounts(items, T0, T0 + 10 * MINUTE)));
      const back = await store.scanItems({ ...window, limit: 10 });
      expect(back.map((i) => i.story)).toEqual(items.map((i) => i.story));
      const view = await store.query<{ items: number | string; stories: number | string }>(
        'SELECT sum(items) AS items, sum(stories) AS stories FROM topic_minute WHERE model_version = {mv:String}',
        { mv },
      );
      // Each item sits in its own minute-or-so here: the view counts a story once per topic-minute.
      expect(Number(view[0]?.items)).toBe(6);
      expect(Number(view[0]?.stories)).toBeGreaterThanOrEqual(3);
    });

    it('is idempotent: repeated batches, overlapping batches, repeats within a batch, restarts', async () => {
      const mv = version('idem');
      const specs: Spec[] = Array.from({ length: 8 }, (_, i) => ({
        id: itemId(`idem-${i}`),
        atMs: T0 + i * 20_000,
        label: (['negative', 'neutral', 'positive'] as const)[i % 3] ?? 'neutral',
        score: [-0.75, 0.05, 0.5][i % 3] ?? 0,
        topics: [t('ticker', 'IDM'), t('keyword', `k${i % 2}`)],
      }));
      const items = specs.map((s) => makeItem(s, mv));
      const window = { fromMs: T0, toMs: T0 + 10 * MINUTE, modelVersion: mv };
      const snapshot = async () => ({
        counts: normalized(await store.topicCounts(window)),
        items: await store.itemCount(mv),
        rows: Number(
          (
            await store.query<{ n: number | string }>(
              'SELECT count() AS n FROM topic_items WHERE model_version = {mv:String}',
              { mv },
            )
          )[0]?.n,
        ),
      });

      expect(await store.writeScored(items.slice(0, 5))).toEqual({ inserted: 5, duplicates: 0 });
      const afterFirst = await snapshot();
      expect(afterFirst.items).toBe(5);
      expect(afterFirst.counts).toEqual(
        normalized(expectedCounts(items.slice(0, 5), T0, T0 + 10 * MINUTE)),
      );

      expect(await store.writeScored(items.slice(0, 5))).toEqual({ inserted: 0, duplicates: 5 });
      expect(await snapshot()).toEqual(afterFirst);

      expect(await store.writeScored(items.slice(3, 7))).toEqual({ inserted: 2, duplicates: 2 });
      const last = items[7];
      if (!last) throw new Error('fixture has 8 items');
      expect(await store.writeScored([last, last, { ...last, score: 0.99 }])).toEqual({
        inserted: 1,
        duplicates: 2,
      });
      const complete = await snapshot();
      expect(complete.items).toBe(8);
      expect(complete.rows).toBe(16);
      expect(complete.counts).toEqual(normalized(expectedCounts(items, T0, T0 + 10 * MINUTE)));

      await restart();
      expect(await store.writeScored([...items].reverse())).toEqual({ inserted: 0, duplicates: 8 });
      expect(await snapshot()).toEqual(complete);
    });

    it('counts each item once under concurrent overlapping writes', async () => {
      const mv = version('concurrent');
      const items = Array.from({ length: 30 }, (_, i) =>
        makeItem(
          {
            id: itemId(`c-${i}`),
            atMs: T0 + i * 1_000,
            label: 'negative',
            score: -0.5,
            topics: [t('ticker', 'CONC')],
          },
          mv,
        ),
      );
      const results = await Promise.all([
        store.writeScored(items.slice(0, 20)),
        store.writeScored(items.slice(10, 30)),
        store.writeScored(items),
      ]);
      expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(30);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(40);
      const counts = await store.topicCounts({ fromMs: T0, toMs: T0 + MINUTE, modelVersion: mv });
      expect(counts.map((c) => [c.key, c.count, c.negatives])).toEqual([['CONC', 30, 30]]);
    });

    it('issue 14.16 — two writers racing the same items count each item once in every rollup read', async () => {
      const mv = version('two-writers');
      const items = Array.from({ length: 60 }, (_, i) =>
        makeItem(
          {
            id: itemId(`w2-${i}`),
            atMs: T0 + i * 7_000,
            label: (['negative', 'neutral', 'positive'] as const)[i % 3] ?? 'neutral',
            score: [-0.6, 0.1, 0.7][i % 3] ?? 0,
            topics: [t('ticker', 'RACE'), t('sector', `s${i % 2}`)],
          },
          mv,
        ),
      );
      // A second store over the same data, as a sink in another consumer group would be: its writes
      // are not serialized with this one's, so both can find an item missing and both insert it.
      const other = await makeStore();
      await other.connect();
      try {
        for (let round = 0; round < 3; round++) {
          const slice = items.slice(round * 20, round * 20 + 30);
          await Promise.all([store.writeScored(slice), other.writeScored([...slice].reverse())]);
        }
      } finally {
        await other.close();
      }
      const toMs = T0 + 10 * MINUTE;
      const expected = normalized(expectedCounts(items, T0, toMs));
      expect(normalized(await store.topicCounts({ fromMs: T0, toMs, modelVersion: mv }))).toEqual(
        expected,
      );
      const series = await store.topicSeries({
        kind: 'ticker',
        key: 'RACE',
        fromMs: T0,
        toMs,
        bucketMs: 10 * MINUTE,
        modelVersion: mv,
      });
      expect(series.map((b) => [b.count, b.negatives, b.positives])).toEqual([[60, 20, 20]]);
      const movers = await store.topMovers({
        nowMs: toMs,
        windowMs: 10 * MINUTE,
        minCount: 1,
        limit: 10,
        modelVersion: mv,
      });
      const moved = [...movers.negative, ...movers.positive].find((m) => m.key === 'RACE');
      expect(moved?.count).toBe(60);
      // The rollup as dashboards read it, with plain sums.
      const [panel] = await store.query<{ n: number | string; neg: number | string }>(
        `SELECT sum(items) AS n, sum(negatives) AS neg FROM topic_minute
         WHERE model_version = {mv:String} AND kind = 'ticker' AND key = 'RACE'`,
        { mv },
      );
      expect([Number(panel?.n), Number(panel?.neg)]).toEqual([60, 20]);
      expect(await store.itemCount(mv)).toBe(60);
    });

    it('takes a batch of thousands of items with long ids in one call, and again as duplicates', async () => {
      const mv = version('large');
      const pad = 'x'.repeat(300);
      const items = Array.from({ length: 3_000 }, (_, i) =>
        makeItem(
          {
            id: itemId(`large-${i}-https://news.example/${pad}/${i}?q='"\\`),
            atMs: T0 + (i % 600) * 1_000,
            label: i % 4 === 0 ? 'negative' : 'neutral',
            score: i % 4 === 0 ? -0.5 : 0,
            topics: [t('ticker', `L${i % 7}`), t('source', 'contract-wire')],
          },
          mv,
        ),
      );
      expect(await store.writeScored(items)).toEqual({ inserted: 3_000, duplicates: 0 });
      expect(await store.writeScored(items)).toEqual({ inserted: 0, duplicates: 3_000 });
      const counts = await store.topicCounts({
        fromMs: T0,
        toMs: T0 + 10 * MINUTE,
        kinds: ['source'],
        modelVersion: mv,
      });
      expect(counts.map((c) => [c.count, c.negatives])).toEqual([[3_000, 750]]);
      expect(await store.itemCount(mv)).toBe(3_000);
    });

    it('rolls up per minute exactly as a hand-computed aggregate', async () => {
      const mv = version('rollup');
      const specs: Spec[] = [
        {
          id: 'r1',
          atMs: T0 + 10_000,
          label: 'negative',
          score: -0.8,
          topics: [t('ticker', 'AAA'), t('sector', 'Tech')],
        },
        {
          id: 'r2',
          atMs: T0 + 40_000,
          label: 'negative',
          score: -0.6,
          topics: [t('ticker', 'AAA')],
        },
        {
          id: 'r3',
          atMs: T0 + MINUTE + 5_000,
          label: 'positive',
          score: 0.7,
          topics: [t('ticker', 'AAA'), t('ticker', 'BBB')],
        },
        {
          id: 'r4',
          atMs: T0 + 2 * MINUTE,
          label: 'neutral',
          score: 0.1,
          topics: [t('ticker', 'BBB'), t('sector', 'Tech')],
        },
        {
          id: 'r5',
          atMs: T0 + 3 * MINUTE + 30_000,
          label: 'positive',
          score: 0.9,
          topics: [t('ticker', 'BBB')],
        },
        {
          id: 'r6',
          atMs: T0 + 3 * MINUTE + 50_000,
          label: 'negative',
          score: -0.5,
          topics: [t('sector', 'Tech'), t('ticker', 'AAA'), t('ticker', 'AAA', 0.2)],
        },
      ].map((s) => ({ ...s, id: itemId(s.id) }) as Spec);
      const items = specs.map((s) => makeItem(s, mv));
      await store.writeScored(items);

      const whole = await store.topicCounts({
        fromMs: T0,
        toMs: T0 + 5 * MINUTE,
        modelVersion: mv,
      });
      expect(normalized(whole)).toEqual(normalized(expectedCounts(items, T0, T0 + 5 * MINUTE)));
      // Spelled out for the first two minutes: r1, r2 (negative) and r3 (positive) mention AAA.
      const early = await store.topicCounts({
        fromMs: T0,
        toMs: T0 + 2 * MINUTE,
        kinds: ['ticker'],
        keys: ['AAA'],
        modelVersion: mv,
      });
      expect(normalized(early)).toEqual([
        {
          kind: 'ticker',
          key: 'AAA',
          count: 3,
          negatives: 2,
          positives: 1,
          scoreSum: -0.7,
          stories: 3,
          negativeStories: 2,
        },
      ]);
      // A minute counts when its start is in [from, to): from = T0 + 30 s leaves out minute 0 (r1)
      // and to = T0 + 3 m leaves out minute 3 (r6), so only r4 mentions Tech.
      const shifted = await store.topicCounts({
        fromMs: T0 + 30_000,
        toMs: T0 + 3 * MINUTE,
        kinds: ['sector'],
        modelVersion: mv,
      });
      expect(normalized(shifted)).toEqual([
        {
          kind: 'sector',
          key: 'Tech',
          count: 1,
          negatives: 0,
          positives: 0,
          scoreSum: 0.1,
          stories: 1,
          negativeStories: 0,
        },
      ]);
      expect(
        await store.topicCounts({
          fromMs: T0,
          toMs: T0 + 5 * MINUTE,
          modelVersion: version('none'),
        }),
      ).toEqual([]);
    });

    it('answers topic series in dense, epoch-aligned buckets', async () => {
      const mv = version('series');
      const specs: Spec[] = [
        {
          id: 's1',
          atMs: T0 + 5_000,
          label: 'negative',
          score: -0.5,
          topics: [t('ticker', 'SER')],
        },
        {
          id: 's2',
          atMs: T0 + MINUTE + 5_000,
          label: 'positive',
          score: 0.75,
          topics: [t('ticker', 'SER')],
        },
        {
          id: 's3',
          atMs: T0 + MINUTE + 9_000,
          label: 'negative',
          score: -0.25,
          topics: [t('ticker', 'SER')],
        },
        {
          id: 's4',
          atMs: T0 + 4 * MINUTE + 1_000,
          label: 'neutral',
          score: 0,
          topics: [t('ticker', 'SER')],
        },
        {
          id: 's5',
          atMs: T0 + 4 * MINUTE + 2_000,
          label: 'negative',
          score: -1,
          topics: [t('ticker', 'OTHER')],
        },
      ].map((s) => ({ ...s, id: itemId(s.id) }) as Spec);
      await store.writeScored(specs.map((s) => makeItem(s, mv)));

      const series = await store.topicSeries({
        kind: 'ticker',
        key: 'SER',
        fromMs: T0 + 30_000,
        toMs: T0 + 6 * MINUTE,
        bucketMs: 2 * MINUTE,
        modelVersion: mv,
      });
      expect(series.map((b) => b.t)).toEqual([T0, T0 + 2 * MINUTE, T0 + 4 * MINUTE]);
      const [first, empty, last] = series;
      expect(first).toMatchObject({ count: 3, negatives: 2, positives: 1 });
      expect(first?.negativeShare).toBeCloseTo(2 / 3, 9);
      expect(first?.meanScore).toBeCloseTo(0, 9);
      expect(empty).toEqual({
        t: T0 + 2 * MINUTE,
        count: 0,
        negatives: 0,
        positives: 0,
        negativeShare: null,
        meanScore: null,
      });
      expect(last).toMatchObject({
        count: 1,
        negatives: 0,
        positives: 0,
        negativeShare: 0,
        meanScore: 0,
      });
      await expect(
        store.topicSeries({
          kind: 'ticker',
          key: 'SER',
          fromMs: T0,
          toMs: T0 + MINUTE,
          bucketMs: 90_000,
        }),
      ).rejects.toBeInstanceOf(UsageError);
    });

    it('ranks top movers against the previous window', async () => {
      const mv = version('movers');
      const specs: Spec[] = [];
      const add = (key: string, minute: number, label: SentimentLabel, score: number) =>
        specs.push({
          id: itemId(`m-${key}-${minute}-${specs.length}`),
          atMs: T0 + minute * MINUTE + 1_000,
          label,
          score,
          topics: [t('ticker', key), t('source', 'contract-wire')],
        });
      // Previous window [T0, T0+5m): FALL is upbeat; current [T0+5m, T0+10m): FALL turns negative.
      for (const m of [0, 1, 2]) add('FALL', m, 'positive', 0.5);
      for (const m of [5, 6, 7]) add('FALL', m, 'negative', -0.8);
      add('FALL', 8, 'neutral', 0);
      for (const m of [6, 7]) add('RISE', m, 'positive', 0.6);
      add('RISE', 2, 'negative', -0.4);
      add('LONE', 6, 'negative', -0.9);
      await store.writeScored(specs.map((s) => makeItem(s, mv)));

      const movers = await store.topMovers({
        windowMs: 5 * MINUTE,
        nowMs: T0 + 10 * MINUTE,
        limit: 5,
        minCount: 2,
        kinds: ['ticker'],
        modelVersion: mv,
      });
      expect(movers.fromMs).toBe(T0 + 5 * MINUTE);
      expect(movers.modelVersion).toBe(mv);
      expect(movers.negative.map((m) => m.key)).toEqual(['FALL']);
      expect(movers.positive.map((m) => m.key)).toEqual(['RISE']);
      const fall = movers.negative[0];
      expect(fall).toMatchObject({ count: 4, negatives: 3, positives: 0, negativeShare: 0.75 });
      expect(fall?.meanScore).toBeCloseTo(-0.6, 9);
      expect(fall?.previous).toMatchObject({ count: 3, negatives: 0, negativeShare: 0 });
      expect(fall?.negativeShareChange).toBeCloseTo(0.75, 9);
      expect(fall?.meanScoreChange).toBeCloseTo(-1.1, 9);
      const rise = movers.positive[0];
      expect(rise).toMatchObject({ count: 2, positives: 2, positiveShare: 1 });
      expect(rise?.previous).toMatchObject({ count: 1, negatives: 1, negativeShare: 1 });

      const lowBar = await store.topMovers({
        windowMs: 5 * MINUTE,
        nowMs: T0 + 10 * MINUTE,
        limit: 1,
        minCount: 1,
        modelVersion: mv,
      });
      expect(lowBar.negative.map((m) => m.key)).toEqual(['LONE']);
      expect(lowBar.positive.map((m) => m.key)).toEqual(['RISE']);
    });

    it('lists the latest items, per topic, with paging and limits', async () => {
      const mv = version('latest');
      const specs: Spec[] = Array.from({ length: 6 }, (_, i) => ({
        id: itemId(`l-${i}`),
        atMs: T0 + i * MINUTE,
        label: i % 2 === 0 ? 'negative' : 'positive',
        score: i % 2 === 0 ? (i === 2 ? -0.9 : -0.5) : i === 1 ? 0.9 : 0.5,
        topics: i % 2 === 0 ? [t('company', 'Even Corp')] : [t('company', 'Odd Inc')],
      }));
      await store.writeScored(specs.map((s) => makeItem(s, mv)));

      const newest = await store.latestItems({ limit: 3, modelVersion: mv });
      expect(newest.map((i) => i.id)).toEqual([itemId('l-5'), itemId('l-4'), itemId('l-3')]);
      const even = await store.latestItems({
        topic: { kind: 'company', key: 'Even Corp' },
        limit: 10,
        modelVersion: mv,
      });
      expect(even.map((i) => i.id)).toEqual([itemId('l-4'), itemId('l-2'), itemId('l-0')]);
      expect(even.every((i) => i.label === 'negative' && i.topics[0]?.key === 'Even Corp')).toBe(
        true,
      );
      const older = await store.latestItems({
        topic: { kind: 'company', key: 'Odd Inc' },
        limit: 10,
        beforeMs: T0 + 5 * MINUTE,
        modelVersion: mv,
      });
      expect(older.map((i) => i.id)).toEqual([itemId('l-3'), itemId('l-1')]);
      await expect(store.latestItems({ limit: 0, modelVersion: mv })).rejects.toBeInstanceOf(
        UsageError,
      );

      const worst = await store.topicHeadlines({
        kind: 'company',
        key: 'Even Corp',
        fromMs: T0 + MINUTE,
        toMs: T0 + 5 * MINUTE,
        limit: 5,
        order: 'negative',
        modelVersion: mv,
      });
      expect(worst.map((i) => i.id)).toEqual([itemId('l-2'), itemId('l-4')]);
      const best = await store.topicHeadlines({
        kind: 'company',
        key: 'Odd Inc',
        fromMs: T0,
        toMs: T0 + 6 * MINUTE,
        limit: 2,
        order: 'positive',
        modelVersion: mv,
      });
      expect(best.map((i) => i.id)).toEqual([itemId('l-1'), itemId('l-5')]);
    });

    it('keeps two model versions of the same items apart', async () => {
      const v1 = version('v1');
      const v2 = version('v2');
      const specs: Spec[] = [0, 1, 2].map((i) => ({
        id: itemId(`mv-${i}`),
        atMs: T0 + i * 10_000,
        label: 'negative',
        score: -0.6,
        topics: [t('ticker', 'VER')],
      }));
      const old = specs.map((s) => makeItem(s, v1));
      const rescored = specs.map((s, i) => ({
        ...makeItem(
          { ...s, label: i === 0 ? 'negative' : 'positive', score: i === 0 ? -0.2 : 0.4 },
          v2,
        ),
        scoredAt: new Date(Date.now() + 1_000).toISOString(),
      }));
      expect(await store.writeScored(old)).toEqual({ inserted: 3, duplicates: 0 });
      expect(await store.writeScored(rescored)).toEqual({ inserted: 3, duplicates: 0 });
      expect(await store.writeScored([...old, ...rescored])).toEqual({
        inserted: 0,
        duplicates: 6,
      });

      const window = { fromMs: T0, toMs: T0 + MINUTE, keys: ['VER'] };
      expect(normalized(await store.topicCounts({ ...window, modelVersion: v1 }))).toEqual([
        {
          kind: 'ticker',
          key: 'VER',
          count: 3,
          negatives: 3,
          positives: 0,
          scoreSum: -1.8,
          stories: 3,
          negativeStories: 3,
        },
      ]);
      expect(normalized(await store.topicCounts({ ...window, modelVersion: v2 }))).toEqual([
        {
          kind: 'ticker',
          key: 'VER',
          count: 3,
          negatives: 1,
          positives: 2,
          scoreSum: 0.6,
          stories: 3,
          negativeStories: 1,
        },
      ]);
      // The newest scoring is the default for reads.
      expect(await store.currentModelVersion()).toBe(v2);
      expect(normalized(await store.topicCounts(window))[0]?.positives).toBe(2);
      const versions = await store.modelVersions();
      const mine = versions.filter((v) => v.modelVersion === v1 || v.modelVersion === v2);
      expect(mine.map((v) => [v.modelVersion, v.items])).toEqual([
        [v2, 3],
        [v1, 3],
      ]);
      const fromV1 = await store.latestItems({ limit: 5, modelVersion: v1 });
      expect(fromV1.map((i) => i.label)).toEqual(['negative', 'negative', 'negative']);
      const stats = await store.stats();
      expect(stats.modelVersion).toBe(v2);
      expect(stats.items).toBeGreaterThanOrEqual(3);
      expect(stats.modelVersions).toBeGreaterThanOrEqual(2);
    });

    it('saves, overwrites and reloads alert state across a restart', async () => {
      const rule = `contract-${run}-spike`;
      const now = T0 + 30 * MINUTE;
      const mine = async () =>
        (await store.loadAlertStates())
          .filter((a) => a.rule === rule)
          .sort((a, b) => (a.labels.topic_key ?? '').localeCompare(b.labels.topic_key ?? ''));

      await store.saveAlertStates([
        alert(rule, 'AAA', 'pending', now),
        alert(rule, 'BBB', 'firing', now),
      ]);
      expect((await mine()).map((a) => [a.labels.topic_key, a.state])).toEqual([
        ['AAA', 'pending'],
        ['BBB', 'firing'],
      ]);
      const firing = {
        ...alert(rule, 'AAA', 'firing', now + MINUTE),
        firedAt: new Date(now + MINUTE).toISOString(),
      };
      await store.saveAlertStates([firing]);
      await store.saveAlertStates([alert(rule, 'BBB', 'inactive', now + MINUTE)]);
      await restart();
      expect(await mine()).toEqual([firing]);
    });

    it('appends alert transitions and queries them by time, topic and rule', async () => {
      const rule = `contract-${run}-transitions`;
      const other = `contract-${run}-other`;
      await store.appendAlertTransitions([
        transition(rule, 'AAA', TA + 1_001, 'inactive', 'pending', 0.4),
        transition(rule, 'AAA', TA + 2 * MINUTE + 7, 'pending', 'firing', 0.62),
        transition(rule, 'BBB', TA + 3 * MINUTE, 'inactive', 'pending'),
        transition(other, 'AAA', TA + 4 * MINUTE, 'firing', 'resolved', 0.1),
      ]);
      const all = await store.alertTransitions({ fromMs: TA, toMs: TA + 5 * MINUTE, limit: 100 });
      const mineAll = all.filter((x) => x.rule === rule || x.rule === other);
      expect(mineAll.map((x) => [x.rule === rule ? 'r' : 'o', x.labels.topic_key, x.to])).toEqual([
        ['o', 'AAA', 'resolved'],
        ['r', 'BBB', 'pending'],
        ['r', 'AAA', 'firing'],
        ['r', 'AAA', 'pending'],
      ]);
      expect(mineAll[2]).toEqual(
        transition(rule, 'AAA', TA + 2 * MINUTE + 7, 'pending', 'firing', 0.62),
      );
      expect(mineAll[1]?.value).toBeUndefined();

      const aaa = await store.alertTransitions({
        fromMs: TA + 1_001,
        toMs: TA + 2 * MINUTE + 7,
        topic: { kind: 'ticker', key: 'AAA' },
        rule,
        limit: 10,
      });
      expect(aaa.map((x) => x.at)).toEqual([new Date(TA + 1_001).toISOString()]);
      const limited = await store.alertTransitions({
        fromMs: TA,
        toMs: TA + 5 * MINUTE,
        rule,
        limit: 2,
      });
      expect(limited.map((x) => x.to)).toEqual(['pending', 'firing']);
    });

    it('binds hostile topic keys as values: quotes, backslashes, SQL, placeholders', async () => {
      const mv = version('hostile');
      const items = HOSTILE_KEYS.map((key, i) =>
        makeItem(
          {
            id: itemId(`h-${i}-${key}`),
            atMs: TA + i * 1_000,
            label: 'negative',
            score: -0.5,
            topics: [t('keyword', key)],
          },
          mv,
        ),
      );
      expect(await store.writeScored(items)).toEqual({ inserted: items.length, duplicates: 0 });
      expect(await store.writeScored(items)).toEqual({ inserted: 0, duplicates: items.length });

      for (const key of HOSTILE_KEYS) {
        const counts = await store.topicCounts({
          fromMs: TA,
          toMs: TA + MINUTE,
          keys: [key],
          modelVersion: mv,
        });
        expect(counts).toEqual([
          {
            kind: 'keyword',
            key,
            count: 1,
            negatives: 1,
            positives: 0,
            scoreSum: -0.5,
            stories: 1,
            negativeStories: 1,
          },
        ]);
        const series = await store.topicSeries({
          kind: 'keyword',
          key,
          fromMs: TA,
          toMs: TA + MINUTE,
          bucketMs: MINUTE,
          modelVersion: mv,
        });
        expect(series.map((b) => b.count)).toEqual([1]);
        const latest = await store.latestItems({
          topic: { kind: 'keyword', key },
          limit: 5,
          modelVersion: mv,
        });
        expect(latest.map((i) => i.topics[0]?.key)).toEqual([key]);
      }
      const rule = `contract-${run}-hostile`;
      const hostile = HOSTILE_KEYS[2] ?? '';
      await store.appendAlertTransitions([transition(rule, hostile, TA, 'inactive', 'firing')]);
      const found = await store.alertTransitions({
        fromMs: TA,
        toMs: TA + 1,
        topic: { kind: 'ticker', key: hostile },
        rule,
        limit: 5,
      });
      expect(found.map((x) => x.labels.topic_key)).toEqual([hostile]);
      const echoed = await store.query<{ k: string }>('SELECT {k:String} AS k', { k: hostile });
      expect(echoed).toEqual([{ k: hostile }]);
      expect(await store.itemCount(mv)).toBe(HOSTILE_KEYS.length);
    });

    it('closes twice without error and reports health', async () => {
      expect((await store.healthcheck()).ok).toBe(true);
      await store.close();
      await store.close();
      store = await makeStore();
      await store.connect();
      expect((await store.healthcheck()).detail).toContain(store.type);
    });
  });
}
