/** The shape every baseline classifier shares, so eval runs them in the same harness as the model. */
import type { Example } from '../dataset.ts';

export interface Baseline {
  readonly name: string;
  /** Learns from the training split (a no-op for rule-based baselines). */
  fit(train: readonly Example[]): Promise<void>;
  /** Row-major [negative, neutral, positive] scores per text (argmax is the prediction). */
  predict(texts: readonly string[]): Promise<Float32Array>;
  close?(): Promise<void>;
}

export const BASELINE_NAMES = ['majority', 'vader', 'naive-bayes', 'fasttext'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];
