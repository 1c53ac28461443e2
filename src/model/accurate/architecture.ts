/** Builds the accurate model: pretrained BERT encoder → BiLSTM over its token states → mean/max pooling → dropout → softmax(3). */
import * as tf from '@tensorflow/tfjs';
import { LABELS } from '../architecture.ts';
import { BiLstm, initSeed, registerLayers, SeededDropout } from '../layers.ts';
import { BertEmbeddings, BertLayer } from '../pretrained/encoder-layers.ts';
import type { EncoderConfig, EncoderWeights } from '../pretrained/encoder-weights.ts';
import { MeanMaxPool } from './mean-max-pool.ts';

export interface AccurateConfig {
  kind: 'accurate';
  /** The pretrained encoder it was fine-tuned from (its id in the pretrained cache). */
  encoderId: string;
  encoder: EncoderConfig;
  /** WordPiece tokens per window, [CLS] and [SEP] included. */
  maxLen: number;
  /** Units per LSTM direction. */
  lstmUnits: number;
  dropout: number;
}

/** Layer names, which the fine-tuner uses to freeze layers and scale their learning rates. */
export const EMBEDDINGS_LAYER = 'bert_embeddings';
export function encoderLayerName(index: number): string {
  return `bert_layer_${index}`;
}

let registered = false;

/** Registers the accurate model's layers (and the shared ones) with the deserializer. */
export function registerAccurateLayers(): void {
  registerLayers();
  if (registered) return;
  registered = true;
  for (const cls of [BertEmbeddings, BertLayer, MeanMaxPool]) {
    tf.serialization.registerClass(
      cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    );
  }
}

/** `pretrained` gives the encoder's starting weights; without it the encoder starts at zero (to be loaded into). */
export function buildAccurateModel(
  cfg: AccurateConfig,
  pretrained?: EncoderWeights,
): tf.LayersModel {
  registerAccurateLayers();
  const { encoder } = cfg;
  const ids = tf.input({ shape: [null], dtype: 'float32', name: 'ids' });
  let x = new BertEmbeddings({ encoder, name: EMBEDDINGS_LAYER }, pretrained).apply(
    ids,
  ) as tf.SymbolicTensor;
  for (let index = 0; index < encoder.layers; index++) {
    x = new BertLayer({ encoder, index, name: encoderLayerName(index) }, pretrained).apply([
      x,
      ids,
    ]) as tf.SymbolicTensor;
  }
  const states = new BiLstm({
    inputDim: encoder.hidden,
    units: cfg.lstmUnits,
    sequences: true,
    name: 'bilstm',
  }).apply([x, ids]) as tf.SymbolicTensor;
  const pooled = new MeanMaxPool({ name: 'pool' }).apply([states, ids]) as tf.SymbolicTensor;
  const dropped = new SeededDropout({ rate: cfg.dropout, name: 'head_dropout' }).apply(
    pooled,
  ) as tf.SymbolicTensor;
  const probs = tf.layers
    .dense({
      units: LABELS.length,
      activation: 'softmax',
      name: 'probs',
      kernelInitializer: tf.initializers.glorotUniform({ seed: initSeed(52, 0) }),
    })
    .apply(dropped) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: probs, name: 'bellwether_accurate' });
}

/** Floating-point operations to score one text of `t` tokens (2 per multiply-add), for throughput efficiency. */
export function accurateFlopsPerText(cfg: AccurateConfig, t: number): number {
  const h = cfg.encoder.hidden;
  const u = cfg.lstmUnits;
  // Per encoder layer: Q, K and V; scores and their weighted sum; the output projection; the feed-forward pair.
  const perLayer = t * h * 3 * h + 2 * t * t * h + t * h * h + 2 * t * h * cfg.encoder.intermediate;
  const lstm = t * h * 8 * u + 2 * t * u * 4 * u;
  // Mean and max of both directions' states feed the softmax.
  const head = 4 * u * LABELS.length;
  return 2 * (cfg.encoder.layers * perLayer + lstm + head);
}
