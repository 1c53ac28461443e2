// Speed work on the inference path (layers, wasm kernels, batching) must not change what a trained model computes:
// the shipped model's probabilities on fixed texts, on wasm, stay those written by bench/model-golden.ts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { type LoadedModel, loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { goldenTexts } from './predictor-golden-texts.ts';

const GOLDEN = JSON.parse(readFileSync('src/model/predictor.golden.json', 'utf8')) as {
  model: string;
  version: string;
  probs: number[];
};
const TOLERANCE = 1e-5;

let loaded: LoadedModel;
let predictor: Predictor;
beforeAll(async () => {
  await selectBackend('wasm', silentLogger);
  loaded = await loadModelDir(GOLDEN.model);
  predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen);
});

function largestGap(actual: Float32Array, expected: readonly number[]): number {
  let gap = 0;
  for (let i = 0; i < expected.length; i++)
    gap = Math.max(gap, Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? 0)));
  return gap;
}

describe('the shipped model scores as it did before the inference path was sped up (wasm)', () => {
  it('is the model version the golden file was written for (else regenerate it: bench/model-golden.ts)', () => {
    expect(loaded.meta.version).toBe(GOLDEN.version);
  });

  it('gives every text the pinned probabilities within 1e-5, scored in one call', () => {
    const texts = goldenTexts(loaded.tokenizer);
    const probs = predictor.predict(texts);
    expect(probs.length).toBe(GOLDEN.probs.length);
    expect(largestGap(probs, GOLDEN.probs)).toBeLessThan(TOLERANCE);
  });

  it('gives the same probabilities when the texts come in small batches', () => {
    const texts = goldenTexts(loaded.tokenizer);
    const probs = new Float32Array(texts.length * 3);
    for (let start = 0; start < texts.length; start += 32)
      probs.set(predictor.predict(texts.slice(start, start + 32)), start * 3);
    expect(largestGap(probs, GOLDEN.probs)).toBeLessThan(TOLERANCE);
  });

  it("gives them too as a scorer's predictor, which takes the fused products", async () => {
    const own = await loadModelDir(GOLDEN.model);
    const scoring = new Predictor(own.model, own.tokenizer, own.meta.architecture.maxLen, {
      scoring: true,
    });
    expect(largestGap(scoring.predict(goldenTexts(own.tokenizer)), GOLDEN.probs)).toBeLessThan(
      TOLERANCE,
    );
  });
});
