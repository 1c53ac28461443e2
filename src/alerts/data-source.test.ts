// The in-memory rollup counts like the store: once per topic per item, by whole minutes, half-open windows.
import { describe, expect, it } from 'vitest';
import { teslaSlumpsFordGains } from '../../test/support/entity-items.ts';
import type { ScoredItem } from '../core/news.ts';
import { MemoryDataSource, mentionsOf } from './data-source.ts';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;

function item(
  id: string,
  atMs: number,
  label: ScoredItem['label'],
  score: number,
  topics: ScoredItem['topics'],
): ScoredItem {
  const at = new Date(atMs).toISOString();
  return {
    id,
    source: 'wire',
    title: `headline ${id}`,
    publishedAt: at,
    fetchedAt: at,
    modelVersion: 'm1',
    label,
    probs: { negative: 0.8, neutral: 0.1, positive: 0.1 },
    score,
    topics,
    scoredAt: at,
  };
}

const items = [
  item('a', T0 + 30_000, 'negative', -0.9, [
    { kind: 'ticker', key: 'ACME' },
    { kind: 'sector', key: 'Energy' },
  ]),
  item('b', T0 + MIN, 'positive', 0.5, [
    { kind: 'ticker', key: 'ACME' },
    { kind: 'ticker', key: 'ACME' },
  ]),
  item('c', T0 + 2 * MIN, 'neutral', 0, [{ kind: 'ticker', key: 'BETA' }]),
  item('d', T0 + 2 * MIN + 59_000, 'negative', -0.4, [{ kind: 'ticker', key: 'ACME' }]),
];

describe('in-memory data source', () => {
  const source = MemoryDataSource.fromItems(items);

  it('counts each item once per topic, by whole minutes like the store rollup', async () => {
    const rows = await source.topicCounts({ fromMs: T0, toMs: T0 + 3 * MIN });
    const acme = rows.find((r) => r.kind === 'ticker' && r.key === 'ACME');
    expect(acme).toEqual({
      kind: 'ticker',
      key: 'ACME',
      count: 3,
      negatives: 2,
      positives: 1,
      scoreSum: expect.closeTo(-0.8, 10),
    });
    expect(rows).toHaveLength(3);
    // 12:00:30 belongs to minute 12:00, which starts before 12:00:15: outside [12:00:15, …).
    const later = await source.topicCounts({
      fromMs: T0 + 15_000,
      toMs: T0 + 3 * MIN,
      kinds: ['ticker'],
      keys: ['ACME'],
    });
    expect(later).toEqual([
      {
        kind: 'ticker',
        key: 'ACME',
        count: 2,
        negatives: 1,
        positives: 1,
        scoreSum: expect.closeTo(0.1, 10),
      },
    ]);
    // The end is exclusive: minute 12:02 is not in [12:00, 12:02).
    const early = await source.topicCounts({ fromMs: T0, toMs: T0 + 2 * MIN, kinds: ['ticker'] });
    expect(early.map((r) => `${r.key}:${r.count}`)).toEqual(['ACME:2']);
  });

  it('lists the most negative headlines first', async () => {
    const headlines = await source.headlines({ kind: 'ticker', key: 'ACME' }, T0, T0 + 10 * MIN, 2);
    expect(headlines.map((h) => h.title)).toEqual(['headline a', 'headline d']);
  });

  it('reports its span and dedups repeated mentions', () => {
    expect(source.span()).toEqual({ fromMs: T0 + 30_000, toMs: T0 + 2 * MIN + 59_000 });
    expect(mentionsOf(items)).toHaveLength(5);
  });
});

describe('in-memory data source with per-company sentiment (issue 15.5)', () => {
  // Near-neutral headline (+0.05) in sector Autos; Tesla −0.8 (negative), Ford +0.7 (positive).
  const source = MemoryDataSource.fromItems([
    teslaSlumpsFordGains('slump', 'm1', T0, [{ kind: 'sector', key: 'Autos', relevance: 1 }]),
  ]);
  const counts = async (kind: 'ticker' | 'company' | 'sector', key: string) =>
    (await source.topicCounts({ fromMs: T0, toMs: T0 + MIN, kinds: [kind], keys: [key] })).map(
      (r) => [r.negatives, r.positives, r.scoreSum],
    );

  it('counts a company or ticker with its entity’s label and score, as the store’s rollup does', async () => {
    expect(await counts('ticker', 'TSLA')).toEqual([[1, 0, -0.8]]);
    expect(await counts('company', 'Tesla')).toEqual([[1, 0, -0.8]]);
    expect(await counts('company', 'Ford')).toEqual([[0, 1, 0.7]]);
    expect(await counts('sector', 'Autos')).toEqual([[0, 0, 0.05]]);
  });

  it('annotates a ticker alert with the score its topic got', async () => {
    const tsla = await source.headlines({ kind: 'ticker', key: 'TSLA' }, T0, T0 + MIN, 3);
    expect(tsla.map((h) => h.score)).toEqual([-0.8]);
  });
});
