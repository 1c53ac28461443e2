/** The store as the engine's data source: its rollup answers topicCounts; recent items give annotation headlines. */

import type { ScoredItem } from '../core/news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';
import type { TopicHeadlinesQuery } from '../core/store.ts';
import { entityForTopic } from '../store/item-rows.ts';
import type { AlertDataSource, Headline, TopicRef } from './data-source.ts';

/** The two store queries the engine needs (any Store satisfies it). */
export interface AlertStoreReads {
  topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]>;
  topicHeadlines(query: TopicHeadlinesQuery): Promise<ScoredItem[]>;
}

export function storeDataSource(store: AlertStoreReads): AlertDataSource {
  return {
    topicCounts: (query) => store.topicCounts(query),
    async headlines(
      topic: TopicRef,
      fromMs: number,
      toMs: number,
      limit: number,
    ): Promise<Headline[]> {
      // The store sorts by score inside the window, so only the few headlines shown are read.
      const items = await store.topicHeadlines({
        ...topic,
        fromMs,
        toMs,
        limit: Math.max(0, limit),
        order: 'negative',
      });
      // A company or ticker alert shows what its rollup counted: the entity's score where the scorer rated one.
      return items.map((item) => ({
        title: item.title,
        score: entityForTopic(topic.kind, topic.key, item.entities ?? [])?.score ?? item.score,
        publishedAt: item.publishedAt,
      }));
    },
  };
}
