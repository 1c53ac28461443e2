// BiLstm at inference takes shorter roads than in training (issue 13): the input projection without the zero
// half of its block-masked weights, and for scorers on native TensorFlow the BlockLSTM kernel (native-lstm.ts).
// Each must compute what the training formulation computes, for both output forms.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { paddedIds } from '../../test/support/padded-ids.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { BiLstm, DropoutNoise } from './layers.ts';
import { loadNativeBackend } from './native-backend.ts';
import { nativeLstmAvailable } from './native-lstm.ts';

const B = 5;
const T = 9;
const D = 6;
const U = 4;

const native = await loadNativeBackend('tensorflow');
if (!native.ok) console.info(`bilstm-inference: the BlockLSTM cases are skipped: ${native.reason}`);

type Road = 'inference' | 'native kernel';

/** The layer's output by the training formulation and by `road`, same weights, same inputs. */
function bothWays(sequences: boolean, road: Road): { training: Float32Array; other: Float32Array } {
  const layer = new BiLstm({ inputDim: D, units: U, sequences });
  const inputs = [tf.randomNormal([B, T, D], 0, 1, 'float32', 17), paddedIds(T)];
  layer.forScoring = road === 'native kernel';
  const other = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
  const args = { training: true, noise: new DropoutNoise(1) };
  const training = (layer.apply(inputs, args) as tf.Tensor).dataSync() as Float32Array;
  return { training, other };
}

const cases = [
  { road: 'inference', backend: 'wasm', run: true },
  { road: 'native kernel', backend: 'tensorflow', run: native.ok },
] as const;

for (const { road, backend, run } of cases) {
  describe.skipIf(!run)(`BiLstm's ${road} path (${backend})`, () => {
    it('runs on the backend it is meant for', async () => {
      await selectBackend(backend, silentLogger);
      expect(nativeLstmAvailable()).toBe(road === 'native kernel');
    });

    it('gives the final states the training formulation gives', () => {
      const { training, other } = bothWays(false, road);
      expect(other.length).toBe(B * 2 * U);
      expect(maxAbsDiff(other, training)).toBeLessThan(1e-6);
    });

    it('gives every position the states the training formulation gives', () => {
      const { training, other } = bothWays(true, road);
      expect(other.length).toBe(B * T * 2 * U);
      expect(maxAbsDiff(other, training)).toBeLessThan(1e-6);
    });
  });
}
