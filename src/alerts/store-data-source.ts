/** The store as the engine's data source: its rollup answers topicCounts; recent items give annotation headlines. */

import type { ScoredItem } from '../core/news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';
import type { LatestItemsQuery } from '../core/store.ts';
import type { AlertDataSource, Headline, TopicRef } from './data-source.ts';

/** The two store queries the engine needs (any Store satisfies it). */
export interface AlertStoreReads {
  topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]>;
  latestItems(query: LatestItemsQuery): Promise<ScoredItem[]>;
}

/** Items read per headline lookup; the most negative few of them become the annotation. */
const HEADLINE_SCAN = 50;

export function storeDataSource(store: AlertStoreReads): AlertDataSource {
  return {
    topicCounts: (query) => store.topicCounts(query),
    async headlines(
      topic: TopicRef,
      fromMs: number,
      toMs: number,
      limit: number,
    ): Promise<Headline[]> {
      const items = await store.latestItems({ topic, limit: HEADLINE_SCAN, beforeMs: toMs });
      return items
        .filter((item) => Date.parse(item.publishedAt) >= fromMs)
        .sort((a, b) => a.score - b.score || Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
        .slice(0, Math.max(0, limit))
        .map((item) => ({ title: item.title, score: item.score, publishedAt: item.publishedAt }));
    },
  };
}
