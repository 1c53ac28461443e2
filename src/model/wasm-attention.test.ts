// A scorer's encoder on wasm computes attention in one kernel over the packed q/k/v projection
// (wasm-attention.ts); it must give what the stock formulation gives, padding keys and all.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { TINY_ENCODER, tinyEncoderWeights } from '../../test/support/tiny-encoder.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { EncoderBlock } from './layers.ts';
import { BertLayer } from './pretrained/encoder-layers.ts';
import { attentionFits } from './wasm-attention.ts';
import { wasmSimdProblem, wasmSimdReady } from './wasm-simd/register.ts';

const T = 11;
/** A full row, a single token, a padding key between real ones, and a row of padding only. */
const IDS = [
  [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
  [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [4, 5, 0, 7, 8, 9, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [9, 8, 7, 6, 5, 4, 0, 0, 0, 0, 0],
];

/** The block's output for the same weights and inputs, by the stock formulation and as a scorer runs it. */
function bothWays(dim: number, heads: number): { stock: Float32Array; scoring: Float32Array } {
  const block = new EncoderBlock({ dim, heads, ffDim: 2 * dim });
  const x = tf.randomNormal([IDS.length, T, dim], 0, 1, 'float32', 5);
  const ids = tf.tensor2d(IDS);
  const stock = (block.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
  block.forScoring = true;
  const scoring = (block.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
  return { stock, scoring };
}

describe('packed attention kernel on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
  });

  it('takes heads whose width is a multiple of 4, once the kernels are registered', () => {
    expect(wasmSimdProblem()).toBeUndefined();
    expect(wasmSimdReady(tf)).toBe(true);
    expect(attentionFits(96, 4)).toBe(true);
    expect(attentionFits(32, 4)).toBe(true);
    expect(attentionFits(24, 4)).toBe(false);
  });

  for (const [dim, heads] of [
    [96, 4],
    [32, 4],
    [64, 2],
  ] as const) {
    it(`gives the stock formulation's block output (dim ${dim}, ${heads} heads)`, () => {
      const { stock, scoring } = bothWays(dim, heads);
      expect(scoring.length).toBe(IDS.length * T * dim);
      expect(maxAbsDiff(scoring, stock)).toBeLessThan(1e-5);
    });
  }

  it("gives a BERT layer's stock output as a scorer's layer (the accurate and entity models)", () => {
    const encoder = { ...TINY_ENCODER, hidden: 16, heads: 2, intermediate: 32, maxPositions: T };
    const layer = new BertLayer({ encoder, index: 0 }, tinyEncoderWeights(encoder));
    const x = tf.randomNormal([IDS.length - 1, T, 16], 0, 1, 'float32', 9);
    // BERT texts hold at least [CLS] and [SEP]: no row of padding only.
    const ids = tf.tensor2d(
      IDS.filter((row) => row.some((id) => id !== 0)).map((row) => row.map((id) => id % 10)),
    );
    const stock = (layer.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
    layer.forScoring = true;
    const scoring = (layer.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
    expect(scoring.length).toBe((IDS.length - 1) * T * 16);
    expect(maxAbsDiff(scoring, stock)).toBeLessThan(1e-5);
  });

  it('gives the same output for a batch larger than one run of its memory (2,000 texts: three runs)', () => {
    const block = new EncoderBlock({ dim: 96, heads: 4, ffDim: 192 });
    const rows = Array.from({ length: 2000 }, (_, i) => IDS[i % IDS.length] as number[]);
    const x = tf.randomNormal([rows.length, T, 96], 0, 1, 'float32', 11);
    const ids = tf.tensor2d(rows);
    const stock = (block.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
    block.forScoring = true;
    const scoring = (block.apply([x, ids]) as tf.Tensor).dataSync() as Float32Array;
    expect(maxAbsDiff(scoring, stock)).toBeLessThan(1e-5);
  });

  it('falls back to the stock formulation where the heads do not fit', () => {
    const { stock, scoring } = bothWays(24, 4);
    expect(maxAbsDiff(scoring, stock)).toBeLessThan(1e-5);
  });
});
