/** What the engine reads: per-topic window counts (the store's rollup, or scored items in memory for tests and backtests). */
import type { ScoredItem, SentimentLabel, TopicKind } from '../core/news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';
import { entityForTopic } from '../store/item-rows.ts';

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

/**
 * Every topic mention of every item, as the rollup would count them (an item counts once per topic, a
 * company or ticker with its entity's label and score where the scorer rated one, so a backtest over items
 * counts what the store's rollup counts).
 */
export function mentionsOf(items: Iterable<ScoredItem>): ScoredMention[] {
  const mentions: ScoredMention[] = [];
  for (const item of items) {
    const publishedAtMs = Date.parse(item.publishedAt);
    const seen = new Set<string>();
    for (const topic of item.topics) {
      const id = `${topic.kind}\u0000${topic.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const entity = entityForTopic(topic.kind, topic.key, item.entities ?? []);
      mentions.push({
        kind: topic.kind,
        key: topic.key,
        publishedAtMs,
        label: entity?.label ?? item.label,
        score: entity?.score ?? item.score,
        title: item.title,
      });
    }
  }
  return mentions;
}

/** One topic's mentions by minute, with running totals so any window is two binary searches. */
interface TopicIndex {
  kind: TopicKind;
  key: string;
  /** Minute start of each mention, ascending. */
  minutes: Float64Array;
  /** Totals over mentions [0, i): index i + 1 holds the sum through mention i. */
  negatives: Float64Array;
  positives: Float64Array;
  scores: Float64Array;
  /** The mentions themselves, same order, for headlines. */
  mentions: ScoredMention[];
}

/** First index whose value is ≥ ms. */
function lowerBound(values: Float64Array, ms: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An in-memory rollup over mentions, with the store's window semantics: a mention counts in
 * [fromMs, toMs) when the start of its minute does. Indexed once per topic with running totals,
 * so a backtest's thousands of window queries stay cheap.
 */
export class MemoryDataSource implements AlertDataSource {
  private readonly topics: TopicIndex[] = [];
  private readonly byId = new Map<string, TopicIndex>();
  private readonly firstMs: number | undefined;
  private readonly lastMs: number | undefined;

  constructor(mentions: Iterable<ScoredMention>) {
    const grouped = new Map<string, ScoredMention[]>();
    let first: number | undefined;
    let last: number | undefined;
    for (const m of mentions) {
      const id = `${m.kind}\u0000${m.key}`;
      let list = grouped.get(id);
      if (!list) {
        list = [];
        grouped.set(id, list);
      }
      list.push(m);
      if (first === undefined || m.publishedAtMs < first) first = m.publishedAtMs;
      if (last === undefined || m.publishedAtMs > last) last = m.publishedAtMs;
    }
    this.firstMs = first;
    this.lastMs = last;
    for (const [id, list] of grouped) {
      list.sort((a, b) => a.publishedAtMs - b.publishedAtMs);
      const n = list.length;
      const index: TopicIndex = {
        kind: list[0]?.kind ?? 'ticker',
        key: list[0]?.key ?? '',
        minutes: new Float64Array(n),
        negatives: new Float64Array(n + 1),
        positives: new Float64Array(n + 1),
        scores: new Float64Array(n + 1),
        mentions: list,
      };
      list.forEach((m, i) => {
        index.minutes[i] = Math.floor(m.publishedAtMs / MINUTE_MS) * MINUTE_MS;
        index.negatives[i + 1] = (index.negatives[i] ?? 0) + (m.label === 'negative' ? 1 : 0);
        index.positives[i + 1] = (index.positives[i] ?? 0) + (m.label === 'positive' ? 1 : 0);
        index.scores[i + 1] = (index.scores[i] ?? 0) + m.score;
      });
      this.topics.push(index);
      this.byId.set(id, index);
    }
  }

  static fromItems(items: Iterable<ScoredItem>): MemoryDataSource {
    return new MemoryDataSource(mentionsOf(items));
  }

  /** First and last mention times (epoch ms), or undefined when empty. */
  span(): { fromMs: number; toMs: number } | undefined {
    return this.firstMs === undefined || this.lastMs === undefined
      ? undefined
      : { fromMs: this.firstMs, toMs: this.lastMs };
  }

  async topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]> {
    const kinds = query.kinds ? new Set<string>(query.kinds) : undefined;
    const keys = query.keys ? new Set(query.keys) : undefined;
    const rows: TopicWindowCounts[] = [];
    for (const t of this.topics) {
      if (kinds && !kinds.has(t.kind)) continue;
      if (keys && !keys.has(t.key)) continue;
      const from = lowerBound(t.minutes, query.fromMs);
      const to = lowerBound(t.minutes, query.toMs);
      if (to <= from) continue;
      rows.push({
        kind: t.kind,
        key: t.key,
        count: to - from,
        negatives: (t.negatives[to] ?? 0) - (t.negatives[from] ?? 0),
        positives: (t.positives[to] ?? 0) - (t.positives[from] ?? 0),
        scoreSum: (t.scores[to] ?? 0) - (t.scores[from] ?? 0),
      });
    }
    return rows;
  }

  async headlines(
    topic: TopicRef,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<Headline[]> {
    const t = this.byId.get(`${topic.kind}\u0000${topic.key}`);
    if (!t) return [];
    const matches = t.mentions
      .slice(lowerBound(t.minutes, fromMs), lowerBound(t.minutes, toMs))
      .filter((m) => m.title !== undefined);
    matches.sort((a, b) => a.score - b.score || b.publishedAtMs - a.publishedAtMs);
    return matches.slice(0, Math.max(0, limit)).map((m) => ({
      title: m.title ?? '',
      score: m.score,
      publishedAt: new Date(m.publishedAtMs).toISOString(),
    }));
  }
}
