/**
 * Entity sentiment in the store (issue 15.5), run by every adapter beside the Store contract: items carrying
 * per-company sentiment are stored once with one row per entity, read back whole, and roll up their company
 * and ticker topics with the entity's label and score. `makeStore` gives a new store over the same data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredItem, TopicMention } from '../../src/core/news.ts';
import type { TopicWindowCounts } from '../../src/core/rollup.ts';
import type { Store } from '../../src/core/store.ts';
import { entityTestItem, FORD_TOPICS, teslaSlumpsFordGains } from '../support/entity-items.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 7, 9, 0, 0);
const WINDOW = { fromMs: T0, toMs: T0 + 10 * MINUTE };

const AUTOS: TopicMention = { kind: 'sector', key: 'Autos', relevance: 0.8 };

const byTopic = (a: TopicWindowCounts, b: TopicWindowCounts) =>
  a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key);

/** kind:key → [count, negatives, positives, score sum rounded], for compact comparisons. */
function tally(
  rows: readonly TopicWindowCounts[],
): Record<string, [number, number, number, number]> {
  return Object.fromEntries(
    [...rows]
      .sort(byTopic)
      .map((r) => [
        `${r.kind}:${r.key}`,
        [r.count, r.negatives, r.positives, Math.round(r.scoreSum * 1e6) / 1e6],
      ]),
  );
}

export function runEntityStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract, entity sentiment (issue 15.5): ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    const version = (label: string) => `entities-${run}-${label}`;
    let store: Store;

    beforeAll(async () => {
      store = await makeStore();
      await store.connect();
    });
    afterAll(async () => {
      await store?.close();
    });

    /** "Tesla slumps as Ford gains" (two entities, opposite labels) and a Ford headline without entities. */
    function fixture(mv: string): { split: ScoredItem; plain: ScoredItem } {
      const split = teslaSlumpsFordGains(`${run}:split`, mv, T0 + 10_000, [AUTOS]);
      const plain = entityTestItem(`${run}:plain`, mv, T0 + MINUTE + 5_000, {
        title: 'Ford recalls trucks',
        label: 'negative',
        score: -0.6,
        topics: [...FORD_TOPICS, AUTOS],
      });
      return { split, plain };
    }

    /** Company and ticker topics count each entity's label and score; the sector keeps the headline's. */
    const EXPECTED = {
      'company:Ford': [2, 1, 1, 0.1],
      'company:Tesla': [1, 1, 0, -0.8],
      'sector:Autos': [2, 1, 0, -0.55],
      'ticker:F': [2, 1, 1, 0.1],
      'ticker:TSLA': [1, 1, 0, -0.8],
    };

    const entityRows = async (mv: string) =>
      Number(
        (
          await store.query<{ n: number | string }>(
            'SELECT count() AS n FROM item_entities WHERE model_version = {mv:String}',
            { mv },
          )
        )[0]?.n,
      );

    it('stores an item with two entities once, reads its entities back and rolls each topic up with its entity', async () => {
      const mv = version('split');
      const { split, plain } = fixture(mv);
      expect(await store.writeScored([split, plain])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.itemCount(mv)).toBe(2);
      expect(await entityRows(mv)).toBe(2);

      expect(tally(await store.topicCounts({ ...WINDOW, modelVersion: mv }))).toEqual(EXPECTED);
      const series = await store.topicSeries({
        kind: 'company',
        key: 'Tesla',
        ...WINDOW,
        bucketMs: 10 * MINUTE,
        modelVersion: mv,
      });
      expect(series.map((b) => [b.count, b.negatives, b.positives])).toEqual([[1, 1, 0]]);
      const [panel] = await store.query<{ n: number | string; pos: number | string }>(
        `SELECT sum(items) AS n, sum(positives) AS pos FROM topic_minute
         WHERE model_version = {mv:String} AND kind = 'ticker' AND key = 'F'`,
        { mv },
      );
      expect([Number(panel?.n), Number(panel?.pos)]).toEqual([2, 1]);

      // Every read-back returns the item whole, entities in their order; the plain item has none.
      const latest = await store.latestItems({ limit: 10, modelVersion: mv });
      expect(latest).toStrictEqual([plain, split]);
      const scanned = await store.scanItems({ ...WINDOW, limit: 10, modelVersion: mv });
      expect(scanned).toStrictEqual([split, plain]);
      const forFord = await store.latestItems({
        topic: { kind: 'company', key: 'Ford' },
        limit: 10,
        modelVersion: mv,
      });
      expect(forFord.map((i) => i.entities?.map((e) => e.company))).toEqual([
        undefined,
        ['Tesla', 'Ford'],
      ]);
      const headlines = await store.topicHeadlines({
        kind: 'ticker',
        key: 'TSLA',
        ...WINDOW,
        limit: 5,
        order: 'negative',
        modelVersion: mv,
      });
      expect(headlines).toStrictEqual([split]);
    });

    it('orders a topic’s headlines by the sentiment that topic got', async () => {
      const mv = version('headlines');
      const { split, plain } = fixture(mv);
      const edges = entityTestItem(`${run}:edges`, mv, T0 + 2 * MINUTE, {
        title: 'Ford edges up',
        label: 'positive',
        score: 0.3,
        topics: FORD_TOPICS,
      });
      await store.writeScored([split, plain, edges]);
      const fordHeadlines = (order: 'negative' | 'positive') =>
        store.topicHeadlines({
          kind: 'company',
          key: 'Ford',
          ...WINDOW,
          limit: 5,
          order,
          modelVersion: mv,
        });
      // Ford's score in the split headline is its entity's (+0.7), not the headline's (+0.05).
      expect((await fordHeadlines('positive')).map((i) => i.id)).toEqual([
        split.id,
        edges.id,
        plain.id,
      ]);
      expect((await fordHeadlines('negative')).map((i) => i.id)).toEqual([
        plain.id,
        edges.id,
        split.id,
      ]);
    });

    it('redelivery and racing writers double neither entity rows nor rollup counts', async () => {
      const mv = version('redelivery');
      const { split, plain } = fixture(mv);
      expect(await store.writeScored([split, plain])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.writeScored([plain, split, split])).toEqual({
        inserted: 0,
        duplicates: 3,
      });
      expect(await entityRows(mv)).toBe(2);

      // Two stores racing the same new item may both insert it: the copies collapse on every read.
      const mv2 = version('race');
      const raced = fixture(mv2);
      const other = await makeStore();
      await other.connect();
      try {
        await Promise.all([
          store.writeScored([raced.split, raced.plain]),
          other.writeScored([raced.plain, raced.split]),
        ]);
      } finally {
        await other.close();
      }
      for (const mvx of [mv, mv2]) {
        expect(tally(await store.topicCounts({ ...WINDOW, modelVersion: mvx }))).toEqual(EXPECTED);
        const back = await store.scanItems({ ...WINDOW, limit: 10, modelVersion: mvx });
        expect(back.map((i) => i.entities?.length ?? 0)).toEqual([2, 0]);
      }
    });

    it('keeps items without entities as they were: headline score on every topic, no entities field', async () => {
      const mv = version('plain');
      const { split, plain } = fixture(mv);
      const bare = { ...split };
      delete bare.entities;
      await store.writeScored([bare, plain]);
      expect(await entityRows(mv)).toBe(0);
      expect(tally(await store.topicCounts({ ...WINDOW, modelVersion: mv }))).toEqual({
        'company:Ford': [2, 1, 0, -0.55],
        'company:Tesla': [1, 0, 0, 0.05],
        'sector:Autos': [2, 1, 0, -0.55],
        'ticker:F': [2, 1, 0, -0.55],
        'ticker:TSLA': [1, 0, 0, 0.05],
      });
      const back = await store.scanItems({ ...WINDOW, limit: 10, modelVersion: mv });
      expect(back).toStrictEqual([bare, plain]);
    });
  });
}
