/**
 * A test double for the SentimentScorer port: word lists instead of the neural model, so stage tests are
 * instant and their expected labels obvious. It can be told to fail (poison texts, or the model being down).
 */
import { describeError } from '../../src/core/errors.ts';
import type { Health } from '../../src/core/lifecycle.ts';
import type { SentimentScorer } from '../../src/core/scorer.ts';

const NEGATIVE = /\b(miss|misses|cut|cuts|lawsuit|recall|plunge|plunges|downgrade|fraud|loss)\b/i;
const POSITIVE = /\b(beat|beats|raise|raises|record|surge|surges|upgrade|profit)\b/i;

export class LexiconScorer implements SentimentScorer {
  readonly modelVersion: string;
  readonly backend = 'test-lexicon';
  /** Texts containing this marker make the whole batch fail, like a kernel choking on an input. */
  poisonMarker = 'POISON';
  /** When set, every call fails (the model is down). */
  down = false;
  calls = 0;

  constructor(modelVersion = 'lexicon-1') {
    this.modelVersion = modelVersion;
  }

  async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    this.calls += 1;
    if (this.down) throw new Error('model unavailable');
    if (texts.some((text) => text.includes(this.poisonMarker)))
      throw new Error('kernel rejected input');
    const rows = new Float32Array(texts.length * 3);
    texts.forEach((text, index) => {
      const probs = NEGATIVE.test(text)
        ? [0.8, 0.15, 0.05]
        : POSITIVE.test(text)
          ? [0.05, 0.15, 0.8]
          : [0.1, 0.8, 0.1];
      rows.set(probs, index * 3);
    });
    return rows;
  }

  /** Scores a known-good text, as the real scorers do. */
  async healthcheck(): Promise<Health> {
    try {
      await this.scoreBatch(['Shares were little changed']);
      return { ok: true, detail: 'lexicon scores' };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  }

  async close(): Promise<void> {}
}
