// A scorer warms its model at load: synthetic batches of every padded length it will meet, bounded in time.
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { warmUp } from './warm-up.ts';

let predictor: Predictor;
beforeAll(async () => {
  await selectBackend('wasm', silentLogger);
  const loaded = await loadModelDir('models/default');
  predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen);
});

describe('warmUp', () => {
  it('scores one batch per text length, headline to four headlines long', () => {
    const lengths: number[] = [];
    const predict = predictor.predict.bind(predictor);
    predictor.predict = (texts) => {
      lengths.push(texts.length, Math.max(...texts.map((t) => t.length)));
      return predict(texts);
    };
    try {
      const warm = warmUp(predictor, 'wasm');
      expect(warm.passes).toBe(4);
      expect(warm.ms).toBeGreaterThanOrEqual(0);
    } finally {
      predictor.predict = predict;
    }
    // Batches of the smallest group the predictor forms on wasm (32), each longer than the one before.
    const sizes = lengths.filter((_, i) => i % 2 === 0);
    const longest = lengths.filter((_, i) => i % 2 === 1);
    expect(sizes).toEqual([32, 32, 32, 32]);
    for (let i = 1; i < longest.length; i++)
      expect(longest[i]).toBeGreaterThan(longest[i - 1] ?? 0);
  });

  it('stops after the pass that spends its time budget', () => {
    expect(warmUp(predictor, 'wasm', 0).passes).toBe(1);
  });
});
