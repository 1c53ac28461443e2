/** A 32-bit mask of the tickers an item names: two items naming disjoint companies are never one story. */
import { keyHash } from '../bus/memory/partitioner.ts';
import type { TopicMention } from '../core/news.ts';

/**
 * One bit per ticker (by hash): masks that share no bit name no common company. Zero means none was
 * recognised, which rules nothing out: a copy whose company the topic matcher missed can still join.
 */
export function entityMask(topics: readonly TopicMention[]): number {
  let mask = 0;
  for (const topic of topics) if (topic.kind === 'ticker') mask |= 1 << (keyHash(topic.key) & 31);
  return mask >>> 0;
}
