// A scorer on native TensorFlow runs the BiLSTM as BlockLSTM (native-lstm.ts; the layer-level comparisons are
// in bilstm-inference.test.ts): the shipped model's probabilities must stay the step loop's, and a backend
// without the kernel must fall back to the loop. The native case is skipped, with the reason, where native
// TensorFlow is not provisioned.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { paddedIds } from '../../test/support/padded-ids.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { BiLstm } from './layers.ts';
import { loadModelDir } from './model-files.ts';
import { loadNativeBackend } from './native-backend.ts';
import { nativeLstmAvailable } from './native-lstm.ts';
import { Predictor } from './predictor.ts';
import { goldenTexts } from './predictor-golden-texts.ts';

const native = await loadNativeBackend('tensorflow');
if (!native.ok) console.info(`native-lstm: the native case is skipped: ${native.reason}`);

describe('a scoring predictor', () => {
  it.skipIf(!native.ok)(
    "gives models/default's probabilities on the golden texts within 1e-5 of the step loop (native)",
    async () => {
      await selectBackend('tensorflow', silentLogger);
      const [a, b] = await Promise.all([
        loadModelDir('models/default'),
        loadModelDir('models/default'),
      ]);
      const texts = goldenTexts(a.tokenizer);
      const loop = new Predictor(a.model, a.tokenizer, a.meta.architecture.maxLen).predict(texts);
      const scoring = new Predictor(b.model, b.tokenizer, b.meta.architecture.maxLen, {
        scoring: true,
      }).predict(texts);
      expect(scoring.length).toBe(texts.length * 3);
      expect(maxAbsDiff(scoring, loop)).toBeLessThan(1e-5);
    },
  );

  it('on wasm keeps the step loop: no kernel there, the same states up to rounding', async () => {
    await selectBackend('wasm', silentLogger);
    expect(nativeLstmAvailable()).toBe(false);
    const layer = new BiLstm({ inputDim: 6, units: 4, sequences: true });
    const inputs = [tf.randomNormal([5, 9, 6], 0, 1, 'float32', 23), paddedIds(9)];
    const loop = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
    layer.forScoring = true;
    // Only the input projection's bias moves into the product's epilogue (denseFused) there.
    const scoring = (layer.apply(inputs) as tf.Tensor).dataSync() as Float32Array;
    expect(maxAbsDiff(scoring, loop)).toBeLessThan(1e-6);
  });
});
