/** Builds the hybrid classifier from its config: embeddings → (encoder blocks ∥ BiLSTM) → fusion → dense → softmax(3). */
import * as tf from '@tensorflow/tfjs';
import {
  BiLstm,
  EncoderBlock,
  Fusion,
  type FusionMode,
  initSeed,
  NgramBag,
  NormMeanPool,
  PolarityPrior,
  registerLayers,
  SeededDropout,
  TokenPositionEmbedding,
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
  /**
   * Independently trained copies of the network whose probabilities are averaged (an ensemble in one
   * file); absent or 1 = a single network with unprefixed layer names.
   */
  members?: number;
  /**
   * Feed the finance polarity lexicon in as a prior: each token's cue (positive / negative) is added
   * to its embedding through a learned projection, and whether the text has each cue joins the wide
   * branch. Absent = off.
   */
  lexicon?: boolean;
}

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

/** Layer-name prefix of ensemble member k (members > 1 only). */
export function memberPrefix(k: number): string {
  return `m${k}_`;
}

/**
 * `seedOffset` is the init-seed offset of a single network (see `initSeed`); ensemble member k gets k.
 * `polarity` (±1/0 per token id, from the tokenizer and the lexicon) fills the lexicon prior's table
 * when a model is built for training; a model loaded from disk reads the table from its weights.
 */
export function buildModel(
  cfg: ArchitectureConfig,
  seedOffset = 0,
  polarity?: Float32Array,
  tokenEmbedding?: TokenEmbeddingFactory,
): tf.LayersModel {
  registerLayers();
  const ids = tf.input({ shape: [null], dtype: 'float32', name: 'ids' });
  const members = cfg.members ?? 1;
  if (members <= 1) {
    const probs = buildNetwork(ids, cfg, '', polarity, seedOffset, tokenEmbedding);
    return tf.model({ inputs: ids, outputs: probs, name: 'bellwether_hybrid' });
  }
  const outputs = Array.from({ length: members }, (_, k) =>
    buildNetwork(ids, cfg, memberPrefix(k), polarity, k),
  );
  const mean = tf.layers.average({ name: 'ensemble_mean' }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: mean, name: 'bellwether_hybrid_ensemble' });
}

/**
 * Copies trained single networks into the matching members of an ensemble model (built with
 * `members` = networks.length), layer by layer under the member's name prefix.
 */
export function mergeMembers(
  cfg: ArchitectureConfig,
  networks: readonly tf.LayersModel[],
): tf.LayersModel {
  const ensemble = buildModel({ ...cfg, members: networks.length });
  networks.forEach((network, k) => {
    for (const layer of network.layers) {
      const weights = layer.getWeights();
      if (weights.length > 0) ensemble.getLayer(memberPrefix(k) + layer.name).setWeights(weights);
    }
  });
  return ensemble;
}

/** The embedding config every token embedding of the hybrid takes. */
export interface TokenEmbeddingConfig {
  vocabSize: number;
  maxLen: number;
  dim: number;
  dropout: number;
  name: string;
}

/**
 * Makes a training-time stand-in for the token + position embedding (projected-embedding.ts); whatever it
 * makes must fold back into a TokenPositionEmbedding of the same name before the model is saved.
 */
export type TokenEmbeddingFactory = (
  config: TokenEmbeddingConfig,
  seedOffset: number,
) => tf.layers.Layer;

/**
 * One hybrid network from `ids` to softmax probabilities; `prefix` keeps ensemble members' layer names
 * apart and `seedOffset` their initial weights.
 */
function buildNetwork(
  ids: tf.SymbolicTensor,
  cfg: ArchitectureConfig,
  prefix: string,
  polarity: Float32Array | undefined,
  seedOffset: number,
  tokenEmbedding?: TokenEmbeddingFactory,
): tf.SymbolicTensor {
  const seed = (base: number) => initSeed(base, seedOffset);
  const embedConfig: TokenEmbeddingConfig = {
    vocabSize: cfg.vocabSize,
    maxLen: cfg.maxLen,
    dim: cfg.dim,
    dropout: cfg.dropout,
    name: `${prefix}embed`,
  };
  let emb = (
    tokenEmbedding
      ? tokenEmbedding(embedConfig, seedOffset)
      : new TokenPositionEmbedding(embedConfig, seedOffset)
  ).apply(ids) as tf.SymbolicTensor;
  let cues: tf.SymbolicTensor | undefined;
  if (cfg.lexicon) {
    const prior = new PolarityPrior(
      { vocabSize: cfg.vocabSize, name: `${prefix}polarity` },
      polarity,
    ).apply(ids) as tf.SymbolicTensor;
    const lift = tf.layers
      .dense({
        units: cfg.dim,
        useBias: false,
        name: `${prefix}polarity_lift`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed(71) }),
      })
      .apply(prior) as tf.SymbolicTensor;
    emb = tf.layers
      .add({ name: `${prefix}embed_with_polarity` })
      .apply([emb, lift]) as tf.SymbolicTensor;
    // Max over time ignores padding (its cue is 0), so the summary does not depend on batch padding.
    cues = tf.layers
      .globalMaxPooling1d({ name: `${prefix}polarity_cues` })
      .apply(prior) as tf.SymbolicTensor;
  }
  let x = emb;
  for (let i = 0; i < cfg.blocks; i++) {
    x = new EncoderBlock(
      {
        dim: cfg.dim,
        heads: cfg.heads,
        ffDim: cfg.ffDim,
        dropout: cfg.dropout,
        name: `${prefix}encoder_${i}`,
      },
      seedOffset,
    ).apply([x, ids]) as tf.SymbolicTensor;
  }
  const pooled = new NormMeanPool({ dim: cfg.dim, name: `${prefix}pool` }).apply([
    x,
    ids,
  ]) as tf.SymbolicTensor;
  let joined = pooled;
  if (cfg.lstmUnits > 0) {
    const lstm = new BiLstm(
      { inputDim: cfg.dim, units: cfg.lstmUnits, name: `${prefix}bilstm` },
      seedOffset,
    ).apply([emb, ids]) as tf.SymbolicTensor;
    joined = new Fusion(
      { mode: cfg.fusion, attnDim: cfg.dim, lstmDim: 2 * cfg.lstmUnits, name: `${prefix}fusion` },
      seedOffset,
    ).apply([pooled, lstm]) as tf.SymbolicTensor;
  }
  const buckets = cfg.ngramBuckets ?? 0;
  if (buckets > 0) {
    const bag = new NgramBag(
      { buckets, dim: cfg.ngramDim ?? 32, name: `${prefix}ngram_bag` },
      seedOffset,
    ).apply(ids) as tf.SymbolicTensor;
    joined = tf.layers
      .concatenate({ name: `${prefix}wide_deep` })
      .apply([joined, bag]) as tf.SymbolicTensor;
  }
  if (cues) {
    joined = tf.layers
      .concatenate({ name: `${prefix}with_cues` })
      .apply([joined, cues]) as tf.SymbolicTensor;
  }
  const hidden = tf.layers
    .dense({
      units: cfg.hidden,
      activation: 'relu',
      name: `${prefix}hidden`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed(51) }),
    })
    .apply(joined) as tf.SymbolicTensor;
  const dropped = new SeededDropout({
    rate: cfg.dropout,
    name: `${prefix}head_dropout`,
  }).apply(hidden) as tf.SymbolicTensor;
  return tf.layers
    .dense({
      units: LABELS.length,
      activation: 'softmax',
      name: `${prefix}probs`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed(52) }),
    })
    .apply(dropped) as tf.SymbolicTensor;
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
  const wide = ((cfg.ngramBuckets ?? 0) > 0 ? (cfg.ngramDim ?? 32) : 0) + (cfg.lexicon ? 2 : 0);
  if (cfg.lexicon) macs += t * 2 * d;
  macs += (joined + wide) * cfg.hidden + cfg.hidden * LABELS.length;
  return 2 * macs * Math.max(1, cfg.members ?? 1);
}
