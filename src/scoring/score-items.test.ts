import { describe, expect, it } from 'vitest';
import { LexiconScorer } from '../../test/support/lexicon-scorer.ts';
import { newsItem } from '../../test/support/news.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { NewsItem, TopicMention } from '../core/news.ts';
import { scoreItems, type TopicExtractor } from './score-items.ts';

/** Counts topic matches; titles containing `BAD` make matching throw, like a broken watchlist entry. */
class CountingTopics implements TopicExtractor {
  calls = 0;
  match(item: Pick<NewsItem, 'title'>): TopicMention[] {
    this.calls += 1;
    if (item.title.includes('BAD')) throw new Error('matcher broke');
    return [{ kind: 'keyword', key: item.title.split(' ')[0] ?? '', relevance: 1 }];
  }
}

/** A scorer that notes how many topic matches had happened by the time its batch finished scoring. */
class ObservingScorer extends LexiconScorer {
  readonly matchesWhenDone: number[] = [];
  constructor(private readonly topics: CountingTopics) {
    super();
  }
  override async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    const rows = await super.scoreBatch(texts);
    // Resolve a macrotask later, as a worker thread's answer would arrive.
    await new Promise((resolve) => setImmediate(resolve));
    this.matchesWhenDone.push(this.topics.calls);
    return rows;
  }
}

const context = (scorer: LexiconScorer, topics: TopicExtractor) => ({
  scorer,
  topics,
  clock: new ManualClock(Date.UTC(2026, 2, 2, 16)),
  logger: silentLogger,
});

describe('scoreItems', () => {
  it('matches topics while the model scores the batch, not after it (the main thread overlaps the workers)', async () => {
    const topics = new CountingTopics();
    const scorer = new ObservingScorer(topics);
    const items = [newsItem(1, { title: 'Acme beats' }), newsItem(2, { title: 'Globex cuts' })];
    const { scored, failed } = await scoreItems(items, context(scorer, topics));
    expect(scorer.matchesWhenDone).toEqual([2]);
    expect(topics.calls).toBe(2);
    expect(failed).toEqual([]);
    expect(scored.map((item) => [item.label, item.topics[0]?.key])).toEqual([
      ['positive', 'Acme'],
      ['negative', 'Globex'],
    ]);
  });

  it('an item whose topics cannot be matched fails alone, and the rest of the batch is scored', async () => {
    const topics = new CountingTopics();
    const items = [newsItem(1, { title: 'Acme beats' }), newsItem(2, { title: 'BAD title' })];
    const { scored, failed } = await scoreItems(items, context(new LexiconScorer(), topics));
    expect(scored.map((item) => item.id)).toEqual(['test-1']);
    expect(failed).toEqual([{ index: 1, reason: 'scoring failed: matcher broke' }]);
  });
});
