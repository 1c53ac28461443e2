// The engine on the real embedded store (chdb): rollup counts drive a firing, headlines come from stored items, and a restart over the same data dir neither re-fires nor forgets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import { AlertEngine } from './engine.ts';
import { parseRules } from './rules-file.ts';
import type { RulesFile } from './rules-schema.ts';
import { storeDataSource } from './store-data-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-alerts-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIN = 60_000;
const T = Date.parse('2026-03-10T15:00:00Z');

function item(n: number, ms: number, negative: boolean): ScoredItem {
  const at = new Date(ms).toISOString();
  return {
    id: `item-${n}`,
    source: 'wire',
    title: negative ? `Acme recall widens ${n}` : `Acme holds steady ${n}`,
    publishedAt: at,
    fetchedAt: at,
    modelVersion: 'test-v1',
    label: negative ? 'negative' : 'neutral',
    probs: { negative: negative ? 0.9 : 0.1, neutral: negative ? 0.05 : 0.8, positive: 0.05 },
    score: negative ? -0.85 - (n % 10) / 100 : 0.05,
    topics: [{ kind: 'ticker', key: 'ACME' }],
    scoredAt: at,
  };
}

const rules = parseRules(`
rules:
  - name: StoreSpike
    select: { kinds: [ticker] }
    detector: { type: negative-share-spike, window: 30m, baseline: 6h, minCount: 5, margin: 0.2 }
    annotations: { summary: "{{topic}} {{share}}", description: "{{headlines}}" }
`);

describe('alert engine over the embedded store', () => {
  it('fires from the rollup, annotates with stored headlines, and survives a store restart', async () => {
    const items: ScoredItem[] = [];
    let n = 0;
    for (let m = 6 * 60; m > 30; m -= 15) items.push(item(n++, T - m * MIN, m % 75 === 0));
    for (let i = 0; i < 10; i++) items.push(item(n++, T - (25 - i * 2) * MIN, i !== 3));

    const first = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
    await first.connect();
    await first.writeScored(items);
    const clock = new ManualClock(T);
    const engine = new AlertEngine({
      rules,
      dataSource: storeDataSource(first),
      stateStore: first,
      clock,
    });
    const outcome = await engine.evaluateOnce(T);
    expect(outcome.transitions.map((t) => `${t.labels.topic_key}:${t.from}→${t.to}`)).toEqual([
      'ACME:inactive→firing',
    ]);
    const [alert] = engine.snapshot();
    expect(alert?.annotations.count).toBe('10');
    expect(alert?.annotations.negatives).toBe('9');
    expect(alert?.annotations.summary).toBe('ACME 90.0%');
    expect(alert?.annotations.description).toMatch(/^Acme recall widens \d+ \(-0\.9\d\)/);
    await first.close();

    const second = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
    await second.connect();
    try {
      const restarted = new AlertEngine({
        rules,
        dataSource: storeDataSource(second),
        stateStore: second,
        clock,
      });
      clock.set(T + MIN);
      const again = await restarted.evaluateOnce(clock.now());
      expect(again.transitions).toEqual([]);
      expect(restarted.snapshot()[0]?.state).toBe('firing');
      expect(restarted.snapshot()[0]?.firedAt).toBe(new Date(T).toISOString());
      const recorded = await second.alertTransitions({
        fromMs: T - MIN,
        toMs: T + 10 * MIN,
        limit: 10,
      });
      expect(recorded.map((t) => `${t.rule}:${t.from}→${t.to}`)).toEqual([
        'StoreSpike:inactive→firing',
      ]);
    } finally {
      await second.close();
    }
  });

  it('issue 14.10 — after a labels edit, the instance saved under the old labels is stored resolved on reload', async () => {
    const editedDir = mkdtempSync(join(tmpdir(), 'bellwether-alerts-edited-'));
    const open = async () => {
      const store = createEmbeddedStore(
        { type: 'embedded', path: editedDir },
        { logger: silentLogger },
      );
      await store.connect();
      return store;
    };
    const engineOver = (store: Store, ruleSet: RulesFile) =>
      new AlertEngine({
        rules: ruleSet,
        dataSource: storeDataSource(store),
        stateStore: store,
        clock: new ManualClock(T),
      });
    try {
      const first = await open();
      const spike: ScoredItem[] = [];
      for (let i = 0; i < 10; i++) spike.push(item(i, T - (25 - i * 2) * MIN, true));
      await first.writeScored(spike);
      await engineOver(first, rules).evaluateOnce(T);
      await first.close();

      const edited = parseRules(`
rules:
  - name: StoreSpike
    select: { kinds: [ticker] }
    detector: { type: negative-share-spike, window: 30m, baseline: 6h, minCount: 5, margin: 0.2 }
    labels: { team: risk }
`);
      const second = await open();
      await engineOver(second, edited).start();
      await second.close();

      const third = await open();
      try {
        const saved = await third.loadAlertStates();
        expect(saved.map((a) => `${a.labels.team ?? '-'}:${a.state}`)).toEqual(['-:resolved']);
        const recorded = await third.alertTransitions({
          fromMs: T - MIN,
          toMs: T + MIN,
          limit: 10,
        });
        expect(recorded.map((t) => `${t.labels.team ?? '-'}:${t.from}→${t.to}`).sort()).toEqual([
          '-:firing→resolved',
          '-:inactive→firing',
        ]);
      } finally {
        await third.close();
      }
    } finally {
      rmSync(editedDir, { recursive: true, force: true });
    }
  });
});
