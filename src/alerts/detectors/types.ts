/** What a detector sees (counts per window for one topic) and what it answers. */
import type { DetectorValues } from '../template.ts';

export interface WindowCounts {
  count: number;
  negatives: number;
  positives: number;
  scoreSum: number;
  /** Distinct stories among the items and the negative items, where the data source knows stories. */
  stories?: number | undefined;
  negativeStories?: number | undefined;
}

export const EMPTY_COUNTS: WindowCounts = { count: 0, negatives: 0, positives: 0, scoreSum: 0 };

/** A half-open time range [fromMs, toMs). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** The windows one evaluation of a detector needs, all ending at or before `now`. */
export interface WindowPlan {
  current: TimeRange;
  baseline: TimeRange;
  confirm?: TimeRange | undefined;
  /** Baseline buckets, oldest first (bucketed detectors only). */
  buckets?: TimeRange[] | undefined;
}

export interface DetectorInput {
  current: WindowCounts;
  baseline: WindowCounts;
  confirm?: WindowCounts | undefined;
  /** Same order as the plan's buckets; empty buckets have count 0. */
  buckets?: readonly WindowCounts[] | undefined;
}

export interface DetectorResult {
  /** Whether the rule's condition holds now. */
  active: boolean;
  /** The headline number (how far past the threshold), reported as the alert's value. */
  value: number;
  values: DetectorValues;
}
