// The accurate model on a tiny pretrained encoder: saved and loaded back it predicts bit-identically, float16 storage halves the weights within tolerance, padding changes nothing, and the encoder starts from the pretrained weights.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/float-compare.ts';
import { TINY_ENCODER, tinyEncoderWeights } from '../../../test/support/tiny-encoder.ts';
import { loadLayersFrom, type ModelMeta, saveModelDir } from '../model-files.ts';
import { BertEncoder, padBatch } from '../pretrained/bert-encoder.ts';
import {
  type AccurateConfig,
  accurateFlopsPerText,
  buildAccurateModel,
  EMBEDDINGS_LAYER,
} from './architecture.ts';

const CFG: AccurateConfig = {
  kind: 'accurate',
  encoderId: 'tiny',
  encoder: TINY_ENCODER,
  maxLen: 6,
  lstmUnits: 3,
  dropout: 0.1,
};
const ROWS = [
  [2, 5, 7, 3],
  [2, 9, 3],
  [2, 4, 4, 6, 8, 3],
];
const META: ModelMeta = {
  version: 'tiny-accurate',
  labels: ['negative', 'neutral', 'positive'],
  architecture: CFG,
  tokenizer: 'wordpiece',
  createdAt: '2026-01-01T00:00:00Z',
};
const TOKENIZER = { toJSON: () => ({ model: { type: 'WordPiece' } }) };

function predict(model: tf.LayersModel, rows: number[][]): Float32Array {
  const { ids, shape } = padBatch(rows);
  return tf.tidy(
    () =>
      (
        model.predict(tf.tensor2d(Float32Array.from(ids), shape)) as tf.Tensor
      ).dataSync() as Float32Array,
  );
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bw-accurate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('accurate model (pretrained encoder → BiLSTM → mean/max pool → softmax)', () => {
  it('starts its encoder from the pretrained weights: the embedding layer computes what BertEncoder does', () => {
    const weights = tinyEncoderWeights();
    const model = buildAccurateModel(CFG, weights);
    const reference = new BertEncoder({ ...weights, config: { ...TINY_ENCODER, layers: 0 } });
    const { ids, mask, shape } = padBatch(ROWS);
    const expected = tf.tidy(() =>
      reference
        .forward({ ids: tf.tensor2d(ids, shape, 'int32'), mask: tf.tensor2d(mask, shape, 'int32') })
        .dataSync(),
    );
    const got = tf.tidy(() =>
      (
        model
          .getLayer(EMBEDDINGS_LAYER)
          .apply(tf.tensor2d(Float32Array.from(ids), shape)) as tf.Tensor
      ).dataSync(),
    );
    expect(maxAbsDiff(got as Float32Array, expected as Float32Array)).toBeLessThan(1e-6);
    reference.dispose();
  });

  it('saved and loaded back predicts bit-identically', async () => {
    const model = buildAccurateModel(CFG, tinyEncoderWeights());
    await saveModelDir(dir, model, TOKENIZER, META);
    const loaded = await loadLayersFrom(dir);
    expect(Array.from(predict(loaded, ROWS))).toEqual(Array.from(predict(model, ROWS)));
  });

  it('float16 storage halves weights.bin and predicts within 1e-3 of float32', async () => {
    const model = buildAccurateModel(CFG, tinyEncoderWeights());
    const full = path.join(dir, 'full');
    const half = path.join(dir, 'half');
    await saveModelDir(full, model, TOKENIZER, META);
    await saveModelDir(half, model, TOKENIZER, META, { weights: 'float16' });
    const fullSize = (await stat(path.join(full, 'weights.bin'))).size;
    expect((await stat(path.join(half, 'weights.bin'))).size).toBe(fullSize / 2);
    const loaded = await loadLayersFrom(half);
    expect(maxAbsDiff(predict(loaded, ROWS), predict(model, ROWS))).toBeLessThan(1e-3);
  });

  it('honours padding: a row predicts the same alone as in a padded batch', () => {
    const model = buildAccurateModel(CFG, tinyEncoderWeights());
    const batched = predict(model, ROWS);
    const alone = predict(model, [ROWS[1] ?? []]);
    expect(maxAbsDiff(batched.slice(3, 6), alone)).toBeLessThan(1e-6);
  });
});

describe('accurateFlopsPerText', () => {
  it('counts about 0.6 GFLOP for a 28-token headline through MiniLM and grows with the text', () => {
    const miniLm: AccurateConfig = {
      kind: 'accurate',
      encoderId: 'all-minilm-l6-v2',
      encoder: {
        layers: 6,
        hidden: 384,
        heads: 12,
        intermediate: 1536,
        vocabSize: 30_522,
        maxPositions: 512,
        typeVocabSize: 2,
        layerNormEps: 1e-12,
        dynamicQuantization: false,
      },
      maxLen: 64,
      lstmUnits: 64,
      dropout: 0.1,
    };
    const flops = accurateFlopsPerText(miniLm, 28);
    expect(flops).toBeGreaterThan(0.55e9);
    expect(flops).toBeLessThan(0.7e9);
    expect(accurateFlopsPerText(miniLm, 56)).toBeGreaterThan(2 * flops);
  });
});
