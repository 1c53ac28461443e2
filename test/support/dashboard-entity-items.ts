/** Headlines with per-company sentiment for the Grafana dashboard tests: bad for Exxon (XOM), good for Chevron (CVX). */
import type { ScoredItem } from '../../src/core/news.ts';
import { entitySentiment, entityTestItem } from './entity-items.ts';

/**
 * `count` near-neutral headlines (+0.05) naming Exxon (−0.7) and Chevron (+0.6), one every ten minutes
 * before `endMs`, each half a minute into its minute (so a range may start inside it), with ids
 * `entity-0`… so a query can tell them from the synthetic stream's.
 */
export function exxonChevronItems(modelVersion: string, endMs: number, count = 4): ScoredItem[] {
  return Array.from({ length: count }, (_, i) =>
    entityTestItem(`entity-${i}`, modelVersion, endMs - (i + 1) * 10 * 60_000 + 30_000, {
      title: `Exxon slides as Chevron climbs ${i}`,
      label: 'neutral',
      score: 0.05,
      topics: [
        { kind: 'ticker', key: 'XOM', relevance: 1 },
        { kind: 'company', key: 'Exxon Mobil', relevance: 1 },
        { kind: 'ticker', key: 'CVX', relevance: 1 },
        { kind: 'company', key: 'Chevron', relevance: 1 },
      ],
      entities: [
        entitySentiment('Exxon Mobil', 'XOM', -0.7),
        entitySentiment('Chevron', 'CVX', 0.6),
      ],
    }),
  );
}
