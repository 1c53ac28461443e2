/** Per-topic counts over a time window: what the store's rollup answers and what alert detectors consume. */
import type { TopicKind } from './news.ts';

export interface TopicWindowCounts {
  kind: TopicKind;
  key: string;
  /** Items mentioning the topic in the window. */
  count: number;
  negatives: number;
  positives: number;
  /** Sum of item scores (each in [-1, 1]); mean = scoreSum / count. */
  scoreSum: number;
  /**
   * Distinct stories among the items and among the negative ones (src/stories/README.md). Absent where the
   * source knows no stories (counts from files): each item is then a story of its own.
   */
  stories?: number;
  negativeStories?: number;
}

export interface TopicWindowQuery {
  /** Inclusive start, exclusive end, epoch milliseconds. */
  fromMs: number;
  toMs: number;
  kinds?: readonly TopicKind[] | undefined;
  keys?: readonly string[] | undefined;
  /** Only rows of this model version; default: all versions the store holds for the current model. */
  modelVersion?: string | undefined;
}
