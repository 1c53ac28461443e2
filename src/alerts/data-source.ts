/** What the engine reads: per-topic window counts (the store's rollup, or scored items in memory for tests and backtests). */
import type { ScoredItem, SentimentLabel, TopicKind } from '../core/news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';

export interface TopicRef {
  kind: TopicKind;
  key: string;
}

export interface Headline {
  title: string;
  score: number;
  publishedAt: string;
}

/** The store implements `topicCounts` with this exact signature, so it plugs in directly. */
export interface AlertDataSource {
  topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]>;
  /** Most negative headlines about a topic in [fromMs, toMs), for annotations; optional. */
  headlines?(topic: TopicRef, fromMs: number, toMs: number, limit: number): Promise<Headline[]>;
}

/** One topic mention of one scored item: the unit the rollup counts. */
export interface ScoredMention {
  kind: TopicKind;
  key: string;
  publishedAtMs: number;
  label: SentimentLabel;
  score: number;
  title?: string | undefined;
}

const MINUTE_MS = 60_000;

/** Every topic mention of every item, as the rollup would count them (an item counts once per topic). */
export function mentionsOf(items: Iterable<ScoredItem>): ScoredMention[] {
  const mentions: ScoredMention[] = [];
  for (const item of items) {
    const publishedAtMs = Date.parse(item.publishedAt);
    const seen = new Set<string>();
    for (const topic of item.topics) {
      const id = `${topic.kind}\u0000${topic.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      mentions.push({
        kind: topic.kind,
        key: topic.key,
        publishedAtMs,
        label: item.label,
        score: item.score,
        title: item.title,
      });
    }
  }
  return mentions;
}

/**
 * An in-memory rollup over mentions, with the store's window semantics: a mention counts in
 * [fromMs, toMs) when the start of its minute does. Sorted once; each query is a binary search.
 */
export class MemoryDataSource implements AlertDataSource {
  private readonly mentions: ScoredMention[];
  private readonly minutes: number[];

  constructor(mentions: Iterable<ScoredMention>) {
    this.mentions = [...mentions].sort((a, b) => a.publishedAtMs - b.publishedAtMs);
    this.minutes = this.mentions.map((m) => Math.floor(m.publishedAtMs / MINUTE_MS) * MINUTE_MS);
  }

  static fromItems(items: Iterable<ScoredItem>): MemoryDataSource {
    return new MemoryDataSource(mentionsOf(items));
  }

  /** First and last mention times (epoch ms), or undefined when empty. */
  span(): { fromMs: number; toMs: number } | undefined {
    const first = this.mentions[0];
    const last = this.mentions[this.mentions.length - 1];
    return first && last ? { fromMs: first.publishedAtMs, toMs: last.publishedAtMs } : undefined;
  }

  private lowerIndex(ms: number): number {
    let lo = 0;
    let hi = this.minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.minutes[mid] ?? 0) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private *range(fromMs: number, toMs: number): Generator<ScoredMention> {
    for (let i = this.lowerIndex(fromMs); i < this.mentions.length; i++) {
      if ((this.minutes[i] ?? 0) >= toMs) return;
      const mention = this.mentions[i];
      if (mention) yield mention;
    }
  }

  async topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]> {
    const kinds = query.kinds ? new Set<string>(query.kinds) : undefined;
    const keys = query.keys ? new Set(query.keys) : undefined;
    const byTopic = new Map<string, TopicWindowCounts>();
    for (const m of this.range(query.fromMs, query.toMs)) {
      if (kinds && !kinds.has(m.kind)) continue;
      if (keys && !keys.has(m.key)) continue;
      const id = `${m.kind}\u0000${m.key}`;
      let counts = byTopic.get(id);
      if (!counts) {
        counts = { kind: m.kind, key: m.key, count: 0, negatives: 0, positives: 0, scoreSum: 0 };
        byTopic.set(id, counts);
      }
      counts.count += 1;
      if (m.label === 'negative') counts.negatives += 1;
      else if (m.label === 'positive') counts.positives += 1;
      counts.scoreSum += m.score;
    }
    return [...byTopic.values()];
  }

  async headlines(
    topic: TopicRef,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<Headline[]> {
    const matches: ScoredMention[] = [];
    for (const m of this.range(fromMs, toMs)) {
      if (m.kind === topic.kind && m.key === topic.key && m.title !== undefined) matches.push(m);
    }
    matches.sort((a, b) => a.score - b.score || b.publishedAtMs - a.publishedAtMs);
    return matches.slice(0, Math.max(0, limit)).map((m) => ({
      title: m.title ?? '',
      score: m.score,
      publishedAt: new Date(m.publishedAtMs).toISOString(),
    }));
  }
}
