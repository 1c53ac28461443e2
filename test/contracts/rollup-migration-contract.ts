/**
 * Migration 003 on stored data, run by both engines: a store written under the summed rollup (with an item
 * stored twice, so counted twice) reads each item once after it. `makeEngine` gives an engine over no schema.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { ScoredItem } from '../../src/core/news.ts';
import { toRow } from '../../src/store/item-rows.ts';
import { applyMigrations, loadMigrations } from '../../src/store/migrations.ts';
import type { SqlEngine } from '../../src/store/sql-engine.ts';
import { SqlStore } from '../../src/store/sql-store.ts';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function item(id: string, label: ScoredItem['label'], score: number): ScoredItem {
  return {
    id,
    source: 'migration-wire',
    title: `Headline ${id}`,
    publishedAt: new Date(T0 + 5_000).toISOString(),
    fetchedAt: new Date(T0 + 6_000).toISOString(),
    modelVersion: 'm1',
    label,
    probs: { negative: 0.4, neutral: 0.3, positive: 0.3 },
    score,
    topics: [{ kind: 'ticker', key: 'MIG' }],
    scoredAt: new Date(T0 + 7_000).toISOString(),
  };
}

/** A scored_items row as schema version 2 had it: without the story columns migration 004 adds. */
const STORY_COLUMNS = new Set(['story_id', 'first_of_story', 'story_items_1h', 'story_items_24h']);
const v2Row = (scored: ScoredItem) =>
  Object.fromEntries(
    Object.entries(toRow(scored)).filter(([column]) => !STORY_COLUMNS.has(column)),
  );

const tickerSums = async (engine: SqlEngine) =>
  (
    await engine.select<{ n: number | string; neg: number | string }>(
      `SELECT sum(items) AS n, sum(negatives) AS neg FROM topic_minute
       WHERE model_version = 'm1' AND kind = 'ticker' AND key = 'MIG'`,
    )
  ).map((r) => [Number(r.n), Number(r.neg)]);

export function runRollupMigrationContract(name: string, makeEngine: () => SqlEngine): void {
  describe(`issue 14.16 — migration 003 backfills the idempotent rollup from stored items: ${name}`, () => {
    it('counts an item stored twice under the old rollup once, and running it again changes nothing', async () => {
      const engine = makeEngine();
      await engine.open();
      await applyMigrations(
        engine,
        loadMigrations().filter((m) => m.version <= 2),
      );
      const a = item('a', 'negative', -0.5);
      // Two old-schema writers stored `a` at once: the summed rollup counted it twice.
      await engine.insert('scored_items', [v2Row(a), v2Row(item('b', 'positive', 0.5))]);
      await engine.insert('scored_items', [v2Row(a)]);
      expect(await tickerSums(engine)).toEqual([[3, 2]]);

      const store = new SqlStore(engine, { logger: silentLogger });
      await store.connect();
      const window = { fromMs: T0, toMs: T0 + 60_000, modelVersion: 'm1' };
      const expected = [
        {
          kind: 'ticker',
          key: 'MIG',
          count: 2,
          negatives: 1,
          positives: 1,
          scoreSum: 0,
          stories: 2,
          negativeStories: 1,
        },
      ];
      expect(await store.topicCounts(window)).toEqual(expected);
      expect(await tickerSums(engine)).toEqual([[2, 1]]);
      const old = await engine.select<{ name: string }>(
        `SELECT name FROM system.tables
       WHERE database = currentDatabase() AND name IN ('item_topics', 'item_topics_mv', 'topic_minute_mv')`,
      );
      expect(old).toEqual([]);

      const [migration] = loadMigrations().filter((m) => m.version === 3);
      for (const statement of migration?.statements ?? []) await engine.exec(statement);
      expect(await store.topicCounts(window)).toEqual(expected);
      expect(await tickerSums(engine)).toEqual([[2, 1]]);
      await store.close();
    });

    it('issue 15.2 — migration 004 run again over columns it already added completes (18.16 has no ADD COLUMN IF NOT EXISTS)', async () => {
      const engine = makeEngine();
      await engine.open();
      await applyMigrations(engine);
      const [stories] = loadMigrations().filter((m) => m.version === 4);
      if (!stories) throw new Error('migration 004 is missing');
      // As if interrupted after its ALTERs: recorded under another number, so every statement runs again.
      const again = await applyMigrations(engine, [
        { ...stories, version: 904, name: '904-again' },
      ]);
      expect(again.applied).toEqual(['904-again']);
      const columns = await engine.select<{ name: string }>(
        `SELECT name FROM system.columns
         WHERE database = currentDatabase() AND table = 'scored_items' AND name LIKE '%stor%'
         ORDER BY name`,
      );
      expect(columns.map((c) => c.name)).toEqual([
        'first_of_story',
        'story_id',
        'story_items_1h',
        'story_items_24h',
      ]);
      await engine.close();
    });
  });
}
