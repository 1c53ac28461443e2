// What the shipped model reads of a long text: all of it, in pooled windows, not just its first maxLen tokens.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { itemText } from '../scoring/item-text.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';

const OPENING =
  'Acme shares surge to a record high after strong quarterly profit beats estimates and the company raises guidance.';
// Sentences every shipped fast model has read as clearly negative on their own: the test is about reading all
// of a long text, not about the wording a model knows ("a fraud investigation and a large writedown" read
// -0.88 by the 3-net ensemble and -0.13 by the distilled model; docs/model-experiments.md).
const BODY = [
  'Shares collapse after the company reports a huge loss and suspends its dividend.',
  'Analysts downgrade the stock as losses widen and sales plunge.',
  'The lender warned of a default and cut its credit line.',
  'The company warned it may file for bankruptcy as debts mount.',
];

/** About 100 KB: one upbeat opening sentence, then negative news to the end. */
function article(): string {
  const sentences = [OPENING];
  while (sentences.join(' ').length < 100_000)
    sentences.push(BODY[sentences.length % BODY.length] ?? '');
  return sentences.join(' ');
}

let predictor: Predictor;
beforeAll(async () => {
  await selectBackend('wasm', silentLogger);
  const loaded = await loadModelDir('models/default');
  predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen);
});

const scoreOf = (rows: Float32Array, i = 0) => (rows[i * 3 + 2] ?? 0) - (rows[i * 3] ?? 0);

describe('issue 14.7 — texts are not cut at the model length', () => {
  it('scores a long article that opens positive and is overwhelmingly negative as negative', () => {
    const text = article();
    expect(scoreOf(predictor.predict([OPENING]))).toBeGreaterThan(0.5);
    const rows = predictor.predict([OPENING, text]);
    expect(scoreOf(rows, 1)).toBeLessThan(-0.5);
    // Batched with other texts, each keeps its own probabilities.
    expect(scoreOf(rows, 0)).toBeCloseTo(scoreOf(predictor.predict([OPENING])), 5);
  });

  it('reads an item as its headline and its summary, so a long negative summary makes the item negative', () => {
    const text = itemText('Acme beats estimates and raises guidance', article());
    expect(text.length).toBeGreaterThan(100_000);
    expect(scoreOf(predictor.predict([text]))).toBeLessThan(-0.5);
  });
});

describe('issue 13 — a length group is one forward pass', () => {
  /** Kernel calls of one predict: a forward pass runs a fixed number of them, whatever its batch size. */
  async function kernelsFor(texts: readonly string[]): Promise<number> {
    const profile = await tf.profile(() => {
      predictor.predict(texts);
    });
    return profile.kernels.length;
  }

  it('runs 256 texts of one length through the model once, not in slices of 32', async () => {
    const texts = Array.from({ length: 256 }, () => 'Acme beats estimates');
    expect(await kernelsFor(texts)).toBe(await kernelsFor(texts.slice(0, 1)));
  });
});
