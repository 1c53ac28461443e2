// BiLstm at inference takes a shorter road (issue 13: the input projection without the zero half of its
// block-masked weights); it must compute what the training formulation computes, for both output forms.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { BiLstm, DropoutNoise } from './layers.ts';

const B = 5;
const T = 9;
const D = 6;
const U = 4;

beforeAll(async () => {
  await selectBackend('wasm', silentLogger);
});

/** Rows of different real lengths, one of them a single token, one full. */
function ids(): tf.Tensor2D {
  const lengths = [9, 1, 4, 7, 2];
  return tf.tensor2d(
    lengths.flatMap((len, r) => Array.from({ length: T }, (_, j) => (j < len ? 3 + r + j : 0))),
    [B, T],
  );
}

function bothWays(sequences: boolean): { training: Float32Array; inference: Float32Array } {
  const layer = new BiLstm({ inputDim: D, units: U, sequences, name: `bilstm_inf_${sequences}` });
  const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 17);
  const inputs = [x, ids()];
  const inference = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
  const args = { training: true, noise: new DropoutNoise(1) };
  const training = (layer.apply(inputs, args) as tf.Tensor).dataSync() as Float32Array;
  return { training, inference };
}

describe('BiLstm inference path', () => {
  it('gives the final states the training formulation gives', () => {
    const { training, inference } = bothWays(false);
    expect(inference.length).toBe(B * 2 * U);
    expect(maxAbsDiff(inference, training)).toBeLessThan(1e-6);
  });

  it('gives every position the states the training formulation gives', () => {
    const { training, inference } = bothWays(true);
    expect(inference.length).toBe(B * T * 2 * U);
    expect(maxAbsDiff(inference, training)).toBeLessThan(1e-6);
  });
});
