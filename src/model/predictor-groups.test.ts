// How many forward passes a batch of mixed lengths costs, per backend and model (issue 13): a pass costs
// native TensorFlow far more in per-op work than wasm, so native groups more texts per pass for a light
// model; a heavy model (models/accurate) keeps small groups, where padding would cost it more.
import { createRequire } from 'node:module';
import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import type { ConcreteBackend } from './backend.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir } from './model-files.ts';
import { minGroupFor, Predictor } from './predictor.ts';

const nativeProvisioned = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

/** The predictor on `backend`, and the input shapes of every forward pass it runs. */
async function counted(
  backend: ConcreteBackend,
): Promise<{ predictor: Predictor; passes: number[][] }> {
  await selectBackend(backend, silentLogger);
  const loaded = await loadModelDir('models/default');
  const passes: number[][] = [];
  const predict = loaded.model.predict.bind(loaded.model);
  loaded.model.predict = (x, args) => {
    passes.push((x as tf.Tensor).shape);
    return predict(x, args);
  };
  return {
    predictor: new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen),
    passes,
  };
}

// 40 short headlines and 40 long ones: two padded lengths, each group above wasm's minimum.
const SHORT = 'Acme beats estimates';
const LONG =
  'Acme shares fall after the company cuts its outlook, citing weaker demand in Europe and higher costs for freight and labour';
const texts = [...Array<string>(40).fill(SHORT), ...Array<string>(40).fill(LONG)];

function expectSameRows(rows: Float32Array, alone: Float32Array[]): void {
  for (const [i, text] of texts.entries()) {
    const own = alone[text === SHORT ? 0 : 1] ?? new Float32Array(3);
    for (let c = 0; c < 3; c++) expect(rows[i * 3 + c]).toBeCloseTo(own[c] ?? 0, 5);
  }
}

describe('length groups per backend', () => {
  it('wasm runs each length as its own pass, and each text keeps the probabilities it has alone', async () => {
    expect(minGroupFor('wasm', 1_600_000)).toBeLessThanOrEqual(40);
    const { predictor, passes } = await counted('wasm');
    const alone = [predictor.predict([SHORT]), predictor.predict([LONG])];
    passes.length = 0;
    const rows = predictor.predict(texts);
    expect(passes.map((shape) => shape[0])).toEqual([40, 40]);
    expectSameRows(rows, alone);
  });

  it.skipIf(!nativeProvisioned)(
    'native TensorFlow runs both lengths as one pass, with the same probabilities',
    async () => {
      expect(minGroupFor('tensorflow', 1_600_000)).toBeGreaterThan(40);
      expect(minGroupFor('tensorflow', 34_000_000)).toBeLessThanOrEqual(40);
      const { predictor, passes } = await counted('tensorflow');
      const alone = [predictor.predict([SHORT]), predictor.predict([LONG])];
      passes.length = 0;
      const rows = predictor.predict(texts);
      expect(passes.map((shape) => shape[0])).toEqual([80]);
      expectSameRows(rows, alone);
    },
  );
});
