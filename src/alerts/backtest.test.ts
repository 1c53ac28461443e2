// Backtests over synthetic histories: a shocked ticker fires inside its shock and resolves, calm and tiny bursts stay quiet, sector groups restrict.
import { describe, expect, it } from 'vitest';
import type { TopicKind } from '../core/news.ts';
import { backtest } from './backtest.ts';
import { MemoryDataSource, type ScoredMention } from './data-source.ts';
import { parseRules } from './rules-file.ts';
import { sectorGroups } from './selector.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-10T00:00:00Z');

/** A day of calm coverage for two tickers (one item every 10 min, one in five negative), plus optional bursts. */
function history(
  bursts: { key: string; fromMin: number; items: number; negative: number }[] = [],
): ScoredMention[] {
  const mentions: ScoredMention[] = [];
  const add = (kind: TopicKind, key: string, ms: number, negative: boolean, title: string) =>
    mentions.push({
      kind,
      key,
      publishedAtMs: ms,
      label: negative ? 'negative' : 'neutral',
      score: negative ? -0.8 : 0.1,
      title,
    });
  for (let m = 0; m < 30 * 60; m += 10) {
    for (const key of ['ACME', 'BETA']) {
      const negative = (m / 10) % 5 === 0;
      add('ticker', key, T0 + m * MIN, negative, `${key} routine ${m}`);
      add('sector', 'Industrials', T0 + m * MIN, negative, `${key} routine ${m}`);
    }
  }
  for (const burst of bursts) {
    for (let i = 0; i < burst.items; i++) {
      const negative = i < burst.negative;
      const ms = T0 + (burst.fromMin + (i * 30) / burst.items) * MIN;
      add(
        'ticker',
        burst.key,
        ms,
        negative,
        `${burst.key} ${negative ? 'plunges' : 'steady'} ${i}`,
      );
      add(
        'sector',
        'Industrials',
        ms,
        negative,
        `${burst.key} ${negative ? 'plunges' : 'steady'} ${i}`,
      );
    }
  }
  return mentions;
}

const rules = parseRules(`
settings: { staleAfterEvaluations: 4 }
rules:
  - name: TickerSpike
    select: { kinds: [ticker] }
    detector: { type: negative-share-spike, window: 30m, baseline: 24h, minCount: 8, margin: 0.2, prior: { share: 0.25, weight: 30 }, confirm: { window: 10m, minCount: 3 } }
    for: 2m
    keepFiringFor: 10m
  - name: IndustrialsSpike
    select: { kinds: [ticker], sectors: [Industrials] }
    detector: { type: negative-share-spike, window: 30m, baseline: 24h, minCount: 8, margin: 0.2 }
`);

describe('backtest', () => {
  it('fires for the shocked ticker inside the shock and resolves after it; the calm ticker stays quiet', async () => {
    const source = new MemoryDataSource(
      history([{ key: 'ACME', fromMin: 26 * 60, items: 20, negative: 17 }]),
    );
    const result = await backtest(rules, source, {
      fromMs: T0 + 24 * 60 * MIN,
      toMs: T0 + 30 * 60 * MIN,
      stepMs: MIN,
    });
    const spike = result.events.filter((e) => e.rule === 'TickerSpike');
    expect(spike.map((e) => `${e.event}:${e.topic.key}`)).toEqual(['firing:ACME', 'resolved:ACME']);
    const [firing, resolved] = spike;
    expect(firing?.atMs).toBeGreaterThanOrEqual(T0 + 26 * 60 * MIN);
    expect(firing?.atMs).toBeLessThanOrEqual(T0 + 26 * 60 * MIN + 30 * MIN);
    expect(Number(firing?.values.share)).toBeGreaterThan(0.5);
    expect(Number(firing?.values.baseline_share)).toBeLessThan(0.3);
    expect(firing?.summary).toContain('ACME');
    expect(resolved?.atMs).toBeGreaterThan(firing?.atMs ?? 0);
    expect(result.stillFiring).toEqual([]);
    expect(result.evaluations).toBe(6 * 60 + 1);
  });

  it('on a calm history fires nothing', async () => {
    const result = await backtest(rules, new MemoryDataSource(history()), {
      fromMs: T0 + 24 * 60 * MIN,
      toMs: T0 + 30 * 60 * MIN,
      stepMs: 5 * MIN,
    });
    expect(result.events).toEqual([]);
  });

  it('a burst of two negative items never fires', async () => {
    const source = new MemoryDataSource(
      history([{ key: 'BETA', fromMin: 26 * 60, items: 2, negative: 2 }]),
    );
    const result = await backtest(rules, source, {
      fromMs: T0 + 24 * 60 * MIN,
      toMs: T0 + 30 * 60 * MIN,
      stepMs: MIN,
    });
    expect(result.events).toEqual([]);
  });

  it('restricts a rule to a watchlist sector', async () => {
    const groups = sectorGroups([
      { ticker: 'ACME', name: 'Acme', sector: 'Industrials' },
      { ticker: 'BETA', name: 'Beta', sector: 'Energy' },
    ]);
    const source = new MemoryDataSource(
      history([
        { key: 'ACME', fromMin: 26 * 60, items: 20, negative: 17 },
        { key: 'BETA', fromMin: 26 * 60, items: 20, negative: 17 },
      ]),
    );
    const result = await backtest(rules, source, {
      fromMs: T0 + 26 * 60 * MIN,
      toMs: T0 + 27 * 60 * MIN,
      stepMs: 5 * MIN,
      groups,
    });
    const sector = result.events.filter(
      (e) => e.rule === 'IndustrialsSpike' && e.event === 'firing',
    );
    expect(sector.map((e) => e.topic.key)).toEqual(['ACME']);
  });

  it('refuses a step that would run too many evaluations', async () => {
    await expect(
      backtest(rules, new MemoryDataSource([]), { fromMs: 0, toMs: 10 * 24 * 60 * MIN, stepMs: 1 }),
    ).rejects.toThrow(/use a larger --step/);
  });
});
