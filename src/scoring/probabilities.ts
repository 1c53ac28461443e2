/** Turns the model's probability rows into the contract's label, probs and score (p_pos − p_neg). */
import type { SentimentLabel, SentimentProbs } from '../core/news.ts';

export interface Sentiment {
  label: SentimentLabel;
  probs: SentimentProbs;
  score: number;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/** Reads row `index` of a row-major [negative, neutral, positive] matrix. */
export function sentimentAt(rows: Float32Array, index: number): Sentiment {
  const base = index * 3;
  const negative = clamp01(rows[base] ?? 0);
  const neutral = clamp01(rows[base + 1] ?? 0);
  const positive = clamp01(rows[base + 2] ?? 0);
  const label: SentimentLabel =
    negative >= neutral && negative >= positive
      ? 'negative'
      : positive > neutral
        ? 'positive'
        : 'neutral';
  const score = Math.max(-1, Math.min(1, positive - negative));
  return { label, probs: { negative, neutral, positive }, score };
}
