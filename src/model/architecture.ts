/** Builds the hybrid classifier from its config: embeddings → (encoder blocks ∥ BiLSTM) → fusion → dense → softmax(3). */
import * as tf from '@tensorflow/tfjs';
import {
  BiLstm,
  EncoderBlock,
  Fusion,
  type FusionMode,
  NgramBag,
  NormMeanPool,
  registerLayers,
  TokenPositionEmbedding,
  TrainDropout,
} from './layers.ts';

export interface ArchitectureConfig {
  vocabSize: number;
  maxLen: number;
  dim: number;
  blocks: number;
  heads: number;
  ffDim: number;
  /** Units per LSTM direction; 0 drops the LSTM branch (transformer only, for comparison). */
  lstmUnits: number;
  fusion: FusionMode;
  hidden: number;
  dropout: number;
  /** Hashed token-bigram buckets for the wide branch; 0 or absent = no wide branch. */
  ngramBuckets?: number;
  ngramDim?: number;
}

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

export function buildModel(cfg: ArchitectureConfig): tf.LayersModel {
  registerLayers();
  const ids = tf.input({ shape: [null], dtype: 'float32', name: 'ids' });
  const emb = new TokenPositionEmbedding({
    vocabSize: cfg.vocabSize,
    maxLen: cfg.maxLen,
    dim: cfg.dim,
    dropout: cfg.dropout,
    name: 'embed',
  }).apply(ids) as tf.SymbolicTensor;
  let x = emb;
  for (let i = 0; i < cfg.blocks; i++) {
    x = new EncoderBlock({
      dim: cfg.dim,
      heads: cfg.heads,
      ffDim: cfg.ffDim,
      dropout: cfg.dropout,
      name: `encoder_${i}`,
    }).apply([x, ids]) as tf.SymbolicTensor;
  }
  const pooled = new NormMeanPool({ dim: cfg.dim, name: 'pool' }).apply([
    x,
    ids,
  ]) as tf.SymbolicTensor;
  let joined = pooled;
  if (cfg.lstmUnits > 0) {
    const lstm = new BiLstm({ inputDim: cfg.dim, units: cfg.lstmUnits, name: 'bilstm' }).apply([
      emb,
      ids,
    ]) as tf.SymbolicTensor;
    joined = new Fusion({
      mode: cfg.fusion,
      attnDim: cfg.dim,
      lstmDim: 2 * cfg.lstmUnits,
      name: 'fusion',
    }).apply([pooled, lstm]) as tf.SymbolicTensor;
  }
  const buckets = cfg.ngramBuckets ?? 0;
  if (buckets > 0) {
    const bag = new NgramBag({ buckets, dim: cfg.ngramDim ?? 32, name: 'ngram_bag' }).apply(
      ids,
    ) as tf.SymbolicTensor;
    joined = tf.layers.concatenate({ name: 'wide_deep' }).apply([joined, bag]) as tf.SymbolicTensor;
  }
  const hidden = tf.layers
    .dense({
      units: cfg.hidden,
      activation: 'relu',
      name: 'hidden',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 51 }),
    })
    .apply(joined) as tf.SymbolicTensor;
  const dropped = new TrainDropout({ rate: cfg.dropout, name: 'head_dropout' }).apply(
    hidden,
  ) as tf.SymbolicTensor;
  const probs = tf.layers
    .dense({
      units: LABELS.length,
      activation: 'softmax',
      name: 'probs',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 52 }),
    })
    .apply(dropped) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: probs, name: 'bellwether_hybrid' });
}

/** Multiply-adds ×2 per text at sequence length t, counted from the architecture (for the benchmark). */
export function flopsPerText(cfg: ArchitectureConfig, t: number): number {
  const d = cfg.dim;
  let macs = 0;
  for (let i = 0; i < cfg.blocks; i++) {
    macs += t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * cfg.ffDim;
  }
  if (cfg.lstmUnits > 0) {
    const u = cfg.lstmUnits;
    macs += t * d * 8 * u + 2 * t * u * 4 * u;
    if (cfg.fusion === 'gate') macs += 2 * u * d + (d + 2 * u) * d;
  }
  const joined = cfg.lstmUnits > 0 && cfg.fusion === 'concat' ? d + 2 * cfg.lstmUnits : d;
  const wide = (cfg.ngramBuckets ?? 0) > 0 ? (cfg.ngramDim ?? 32) : 0;
  macs += (joined + wide) * cfg.hidden + cfg.hidden * LABELS.length;
  return 2 * macs;
}
