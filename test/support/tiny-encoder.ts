/** The config of a one-layer BERT small enough to write out by hand, shared by the encoder format and conversion tests. */
import type { EncoderConfig } from '../../src/model/pretrained/encoder-weights.ts';

export const TINY_ENCODER: EncoderConfig = {
  layers: 1,
  hidden: 4,
  heads: 2,
  intermediate: 8,
  vocabSize: 10,
  maxPositions: 6,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  dynamicQuantization: false,
};
