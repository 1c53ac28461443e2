// BiLstm with `sequences`: each real position gets its own [forward; backward] states, aligned so that the last real token's forward half and the first token's backward half are the final states the summary form returns.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { BiLstm } from './layers.ts';

const U = 3;
const IDS = tf.tensor2d([
  [4, 2, 7, 0, 0],
  [5, 1, 1, 3, 9],
]);
const X = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 5);

function run(sequences: boolean): tf.Tensor {
  const layer = new BiLstm({ inputDim: 4, units: U, sequences, name: `bilstm_${sequences}` });
  return layer.apply([X, IDS]) as tf.Tensor;
}

describe('BiLstm sequences output', () => {
  it('has the final forward state at the last real token and the final backward state at the first', () => {
    const final = run(false).arraySync() as number[][];
    const states = run(true).arraySync() as number[][][];
    expect(states[0]).toHaveLength(5);
    for (const [row, last] of [
      [0, 2],
      [1, 4],
    ] as const) {
      const forward = Float32Array.from(states[row]?.[last]?.slice(0, U) ?? []);
      const backward = Float32Array.from(states[row]?.[0]?.slice(U) ?? []);
      expect(maxAbsDiff(forward, Float32Array.from(final[row]?.slice(0, U) ?? []))).toBeLessThan(
        1e-6,
      );
      expect(maxAbsDiff(backward, Float32Array.from(final[row]?.slice(U) ?? []))).toBeLessThan(
        1e-6,
      );
    }
  });
});
