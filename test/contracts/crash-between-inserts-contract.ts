/**
 * A store failing between its inserts (issue 15.5), run by both engines: the item stays unstored, is
 * redelivered and written again, and its second copy of rollup and entity rows counts once.
 * `makeEngine` gives an engine over a database the other contracts may share.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { SqlParams } from '../../src/core/store.ts';
import type { SqlEngine } from '../../src/store/sql-engine.ts';
import { SqlStore } from '../../src/store/sql-store.ts';
import { teslaSlumpsFordGains } from '../support/entity-items.ts';

/** The engine as a process dying mid-write leaves it: inserts into one table fail while `failing` is set. */
class FailingInserts implements SqlEngine {
  failing: string | undefined;
  readonly type: string;
  readonly location: string;
  constructor(private readonly inner: SqlEngine) {
    this.type = inner.type;
    this.location = inner.location;
  }
  open(): Promise<void> {
    return this.inner.open();
  }
  describe(): string {
    return this.inner.describe();
  }
  exec(sql: string, params?: SqlParams): Promise<void> {
    return this.inner.exec(sql, params);
  }
  select<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.inner.select<T>(sql, params);
  }
  insert(table: string, rows: readonly object[]): Promise<void> {
    if (table === this.failing) return Promise.reject(new Error(`insert into ${table} lost`));
    return this.inner.insert(table, rows);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const T0 = Date.UTC(2026, 0, 8, 15, 0, 0);

export function runCrashBetweenInsertsContract(name: string, makeEngine: () => SqlEngine): void {
  describe(`issue 15.5 — a crash between the inserts of an item with entities: ${name}`, () => {
    it('leaves the item unstored; written again, its entities and rollup count once', async () => {
      const mv = `crash-${randomUUID().slice(0, 8)}`;
      const item = teslaSlumpsFordGains(`${mv}:split`, mv, T0 + 3_000);
      const engine = new FailingInserts(makeEngine());
      const store = new SqlStore(engine, { logger: silentLogger });
      await store.connect();
      const entityRows = async () => {
        const [row] = await store.query<{ n: number | string }>(
          'SELECT count() AS n FROM item_entities WHERE model_version = {mv:String}',
          { mv },
        );
        return Number(row?.n);
      };
      try {
        engine.failing = 'scored_items';
        await expect(store.writeScored([item])).rejects.toThrow('insert into scored_items lost');
        expect(await store.itemCount(mv)).toBe(0);
        // Entity rows went in before scored_items, as topic rows do: nothing is stored without them.
        expect(await entityRows()).toBe(2);

        engine.failing = undefined;
        expect(await store.writeScored([item])).toEqual({ inserted: 1, duplicates: 0 });
        // Both attempts wrote entity rows (a merge may already have collapsed them): reads see one of each.
        expect(await entityRows()).toBeGreaterThanOrEqual(2);
        const [back] = await store.latestItems({ limit: 5, modelVersion: mv });
        expect(back?.entities).toEqual(item.entities);
        const counts = await store.topicCounts({
          fromMs: T0,
          toMs: T0 + 60_000,
          modelVersion: mv,
        });
        expect(counts.map((c) => [c.kind, c.key, c.count, c.negatives, c.positives])).toEqual([
          ['company', 'Ford', 1, 0, 1],
          ['company', 'Tesla', 1, 1, 0],
          ['ticker', 'F', 1, 0, 1],
          ['ticker', 'TSLA', 1, 1, 0],
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
