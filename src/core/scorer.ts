/** The Scorer port: what the scoring stage needs from the sentiment model, whatever backend runs it. */
import type { Health } from './lifecycle.ts';

export interface SentimentScorer {
  /** Identifies the weights; stored with every score so re-scored history stays distinguishable. */
  readonly modelVersion: string;
  /** The TensorFlow.js backend in use (tensorflow-gpu, tensorflow, wasm, cpu). */
  readonly backend: string;
  /**
   * Scores a batch. Returns class probabilities row-major as [negative, neutral, positive] per text
   * (length 3 × texts.length), in the order given.
   */
  scoreBatch(texts: readonly string[]): Promise<Float32Array>;
  /**
   * Whether the model scores a known-good text right now. Readiness reads it, and the stage asks it when every
   * item of a batch failed, to tell a model outage (retry later) from bad items (dead-letter them).
   */
  healthcheck(): Promise<Health>;
  close(): Promise<void>;
}
