import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nearestWords, swapWords, wordSwapVariants } from './word-swap.ts';

/** A toy embedding table: "fell" and "slid" point alike, "rose" the other way, "[PAD]" and "##s" are no words. */
const VOCAB = ['[PAD]', 'fell', 'slid', 'dropped', 'rose', 'climbed', '##s', 'up', 'cat'];
const TABLE = new Float32Array([
  ...[0, 0, 0],
  ...[1, 0.1, 0],
  ...[0.95, 0.2, 0],
  ...[0.9, 0, 0.3],
  ...[-1, 0.1, 0],
  ...[-0.9, 0.2, 0.1],
  ...[1, 0.1, 0],
  ...[-0.2, 0.1, 1],
  ...[0, -1, 0],
]);

describe('word-swap variants (distillation transfer texts)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('finds the nearest whole words by cosine, most similar first, never the word itself nor a subword or a short word', () => {
    const near = nearestWords(VOCAB, TABLE, 3, ['fell', 'rose', 'unknown', 'cat'], 2);
    expect(near.get('fell')).toEqual(['slid', 'dropped']);
    expect(near.get('rose')).toEqual(['climbed']);
    // Not held whole by the encoder: no entry. "cat" has no neighbour within the similarity floor.
    expect(near.has('unknown')).toBe(false);
    expect(near.has('cat')).toBe(false);
  });

  it('swaps words in their case, never all-capital ones, and leaves punctuation and numbers', () => {
    const neighbours = new Map([
      ['fell', ['slid']],
      ['shares', ['stocks']],
      ['ibm', ['apple']],
    ]);
    const always = () => 0;
    expect(swapWords('Shares fell 3.5%, IBM said.', neighbours, always)).toBe(
      'Stocks slid 3.5%, IBM said.',
    );
    const never = () => 0.99;
    expect(swapWords('Shares fell 3.5%', neighbours, never)).toBe('Shares fell 3.5%');
  });

  it('gives distinct variants that differ from their text, the same for the same seed', () => {
    const neighbours = new Map([
      ['fell', ['slid', 'dropped', 'sank']],
      ['shares', ['stocks', 'equities']],
    ]);
    const texts = ['Shares fell after the results', 'No word here to swap'];
    const variants = wordSwapVariants(texts, 3, neighbours, 7);
    expect(variants).toEqual(wordSwapVariants(texts, 3, neighbours, 7));
    // Only the first text has anything to swap.
    expect(variants).toHaveLength(3);
    expect(new Set(variants).size).toBe(3);
    for (const v of variants) {
      expect(v).not.toBe(texts[0]);
      expect(v).toMatch(/^(Shares|Stocks|Equities) (fell|slid|dropped|sank) after the results$/);
    }
  });
});
