/** An accurate model small enough for tests yet wide enough that its large matrices reach int8's 4,096-value floor, with a WordPiece tokenizer that knows the labelled CSV's words. */
import type * as tf from '@tensorflow/tfjs';
import { type AccurateConfig, buildAccurateModel } from '../../src/model/accurate/architecture.ts';
import { type ModelMeta, saveModelDir } from '../../src/model/model-files.ts';
import { WordPieceInput } from '../../src/model/pretrained/wordpiece-input.ts';
import type { WeightsDtype } from '../../src/model/weight-storage.ts';
import { TINY_ENCODER, tinyEncoderWeights } from './tiny-encoder.ts';

export const WIDE_TINY_ENCODER = {
  ...TINY_ENCODER,
  hidden: 64,
  heads: 4,
  intermediate: 128,
  vocabSize: 64,
};

export const TINY_ACCURATE: AccurateConfig = {
  kind: 'accurate',
  encoderId: 'tiny',
  encoder: WIDE_TINY_ENCODER,
  maxLen: 6,
  lstmUnits: 3,
  dropout: 0,
};

export const TINY_ACCURATE_META: ModelMeta = {
  version: 'tiny-accurate',
  labels: ['negative', 'neutral', 'positive'],
  architecture: TINY_ACCURATE,
  tokenizer: 'wordpiece',
  createdAt: '2026-01-01T00:00:00Z',
};

/** A WordPiece tokenizer.json (uncased BERT normalizer) whose vocabulary is the special tokens, then `words` (ids from 4). */
export function wordPieceJson(words: readonly string[]) {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', ...words];
  return {
    added_tokens: [],
    normalizer: { type: 'BertNormalizer', lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      vocab: Object.fromEntries(vocab.map((token, id) => [token, id])),
    },
  };
}

/** Knows the labelled CSV's words (test/support/labelled-csv.ts). */
export const TINY_WORDPIECE_JSON = wordPieceJson([
  'acme',
  'shares',
  'in',
  'plunge',
  'surge',
  'announces',
  'warning',
  'record',
]);

export function buildTinyAccurate(): tf.LayersModel {
  return buildAccurateModel(TINY_ACCURATE, tinyEncoderWeights(WIDE_TINY_ENCODER));
}

/** Saves the tiny model with its weights stored in `weights` (no training record). */
export async function writeTinyAccurateDir(dir: string, weights: WeightsDtype): Promise<void> {
  const tokenizer = WordPieceInput.fromJson(TINY_WORDPIECE_JSON, 'tiny');
  await saveModelDir(dir, buildTinyAccurate(), tokenizer, TINY_ACCURATE_META, { weights });
}
