// An accurate model directory reads its own WordPiece tokenizer: loadModelDir picks it from meta.json, and the predictor frames every window with [CLS] … [SEP] within the model's input length.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/float-compare.ts';
import { wordPieceJson } from '../../../test/support/tiny-accurate-model.ts';
import { TINY_ENCODER, tinyEncoderWeights } from '../../../test/support/tiny-encoder.ts';
import { loadModelDir, saveModelDir } from '../model-files.ts';
import { Predictor } from '../predictor.ts';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import { type AccurateConfig, buildAccurateModel } from './architecture.ts';

const TOKENIZER_JSON = wordPieceJson(['acme', 'up', 'down', 'shares', '##s', '.']);
const CFG: AccurateConfig = {
  kind: 'accurate',
  encoderId: 'tiny',
  encoder: TINY_ENCODER,
  maxLen: 6,
  lstmUnits: 3,
  dropout: 0,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bw-accurate-wp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('accurate model directory with a WordPiece tokenizer', () => {
  it('loads the WordPiece tokenizer and predicts [CLS] text [SEP] as the network does', async () => {
    const model = buildAccurateModel(CFG, tinyEncoderWeights());
    await saveModelDir(dir, model, WordPieceInput.fromJson(TOKENIZER_JSON, 'test'), {
      version: 'tiny-wp',
      labels: ['negative', 'neutral', 'positive'],
      architecture: CFG,
      tokenizer: 'wordpiece',
      createdAt: '2026-01-01T00:00:00Z',
    });
    const loaded = await loadModelDir(dir);
    expect(loaded.tokenizer).toBeInstanceOf(WordPieceInput);
    const predictor = new Predictor(loaded.model, loaded.tokenizer, CFG.maxLen);
    const direct = tf.tidy(
      () => (model.predict(tf.tensor2d([[2, 4, 7, 5, 3]])) as tf.Tensor).dataSync() as Float32Array,
    );
    expect(maxAbsDiff(predictor.predict(['Acme shares up']), direct)).toBeLessThan(1e-6);
  });

  it('reads a text longer than the input in framed windows that fit the encoder positions', () => {
    const model = buildAccurateModel(CFG, tinyEncoderWeights());
    const predictor = new Predictor(
      model,
      WordPieceInput.fromJson(TOKENIZER_JSON, 't'),
      CFG.maxLen,
    );
    // 7 content tokens: windows of 4 framed to 6, the encoder's whole position table.
    const probs = predictor.predict(['acme shares up. acme down.', '']);
    expect(probs).toHaveLength(6);
    expect(Math.abs((probs[0] ?? 0) + (probs[1] ?? 0) + (probs[2] ?? 0) - 1)).toBeLessThan(1e-5);
  });
});
