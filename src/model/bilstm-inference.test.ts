// BiLstm at inference takes shorter roads than in training (issue 13): the input projection without the zero
// half of its block-masked weights; for scorers on native TensorFlow the BlockLSTM kernel (native-lstm.ts);
// for scorers on wasm, final states from this project's SIMD kernel (wasm-lstm.ts). Each must compute what
// the training formulation computes, for the output forms it serves.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { paddedIds } from '../../test/support/padded-ids.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { BiLstm, DropoutNoise } from './layers.ts';
import { loadNativeBackend } from './native-backend.ts';
import { nativeLstmAvailable } from './native-lstm.ts';
import { lstmFits } from './wasm-lstm.ts';
import { wasmSimdReady } from './wasm-simd/register.ts';

const B = 5;
const T = 9;
const D = 6;
/** The wasm kernel works 16 columns at a time, so its road is checked at 16 units per direction. */
const unitsFor = (road: Road) => (road === 'wasm kernel' ? 16 : 4);

const native = await loadNativeBackend('tensorflow');
if (!native.ok) console.info(`bilstm-inference: the BlockLSTM cases are skipped: ${native.reason}`);

type Road = 'inference' | 'native kernel' | 'wasm kernel';

/** The layer's output by the training formulation and by `road`, same weights, same inputs. */
function bothWays(sequences: boolean, road: Road): { training: Float32Array; other: Float32Array } {
  const layer = new BiLstm({ inputDim: D, units: unitsFor(road), sequences });
  const inputs = [tf.randomNormal([B, T, D], 0, 1, 'float32', 17), paddedIds(T)];
  layer.forScoring = road !== 'inference';
  const other = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
  const args = { training: true, noise: new DropoutNoise(1) };
  const training = (layer.apply(inputs, args) as tf.Tensor).dataSync() as Float32Array;
  return { training, other };
}

const cases = [
  { road: 'inference', backend: 'wasm', run: true },
  { road: 'native kernel', backend: 'tensorflow', run: native.ok },
  { road: 'wasm kernel', backend: 'wasm', run: true },
] as const;

for (const { road, backend, run } of cases) {
  describe.skipIf(!run)(`BiLstm's ${road} path (${backend})`, () => {
    const U = unitsFor(road);
    it('runs on the backend it is meant for', async () => {
      await selectBackend(backend, silentLogger);
      expect(nativeLstmAvailable()).toBe(road === 'native kernel');
      expect(wasmSimdReady(tf) && lstmFits(U)).toBe(road === 'wasm kernel');
    });

    it('gives the final states the training formulation gives', () => {
      const { training, other } = bothWays(false, road);
      expect(other.length).toBe(B * 2 * U);
      expect(maxAbsDiff(other, training)).toBeLessThan(1e-6);
    });

    it.skipIf(road !== 'wasm kernel')(
      'gives the same final states for a batch larger than one run of its memory (8,000 texts: three runs)',
      () => {
        const layer = new BiLstm({ inputDim: D, units: U, sequences: false });
        const lengths = Array.from({ length: 8000 }, (_, i) => 1 + (i % T));
        const inputs = [tf.randomNormal([8000, T, D], 0, 1, 'float32', 19), paddedIds(T, lengths)];
        layer.forScoring = true;
        const kernel = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
        const args = { training: true, noise: new DropoutNoise(1) };
        const training = (layer.apply(inputs, args) as tf.Tensor).dataSync() as Float32Array;
        expect(maxAbsDiff(kernel, training)).toBeLessThan(1e-6);
      },
    );

    it('gives every position the states the training formulation gives', () => {
      const { training, other } = bothWays(true, road);
      expect(other.length).toBe(B * T * 2 * U);
      expect(maxAbsDiff(other, training)).toBeLessThan(1e-6);
    });
  });
}
