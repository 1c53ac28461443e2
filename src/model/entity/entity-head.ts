/**
 * The entity head: reads the encoder's token states of a headline with one entity marked and gives the
 * sentiment toward that entity. The mark is a learned vector added to the states of the entity's tokens (a
 * segment embedding applied after the encoder), so one encoder pass per headline serves all its entities;
 * a BiLSTM reads the marked states in context, and the head sees both the whole headline (mean and max over
 * it) and the entity's own positions (mean and max over the span).
 */
import * as tf from '@tensorflow/tfjs';
import { encoderLayerName, registerAccurateLayers } from '../accurate/architecture.ts';
import { MeanMaxPool } from '../accurate/mean-max-pool.ts';
import { LABELS } from '../architecture.ts';
import {
  BiLstm,
  first,
  initSeed,
  registerLayers,
  SeededDropout,
  type Shape,
  second,
  shapeList,
} from '../layers.ts';
import { BertLayer } from '../pretrained/encoder-layers.ts';
import type { EncoderConfig } from '../pretrained/encoder-weights.ts';

export interface EntityHeadConfig {
  kind: 'entity-head';
  encoder: EncoderConfig;
  /**
   * The encoder layers from this index up run inside the head, after the mark, so they attend to the
   * headline in the entity's light; the head reads the states entering that layer. The encoder's layer
   * count: none (the head reads the last layer's states).
   */
  fromLayer: number;
  lstmUnits: number;
  dropout: number;
}

/** [states [B, T, D], mark [B, T]] → states with the learned entity vector added where mark is 1. */
export class EntityMark extends tf.layers.Layer {
  static className = 'BwEntityMark';
  private readonly cfg: { dim: number; name?: string };
  private vector: tf.LayerVariable | undefined;

  constructor(config: { dim: number; name?: string }) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override build(): void {
    // Large enough at the start that the BiLSTM can tell the marked tokens apart before it has learned.
    this.vector = this.addWeight(
      'vector',
      [this.cfg.dim],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: initSeed(71, 0) }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapeList(inputShape)[0] ?? [null, null, null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!this.vector) throw new Error('entity mark not built');
      const mark = tf.expandDims(second(inputs), -1);
      return tf.add(first(inputs), tf.mul(mark, this.vector.read()));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

let registered = false;

export function registerEntityLayers(): void {
  registerLayers();
  if (registered) return;
  registered = true;
  for (const cls of [EntityMark, MeanMaxPool]) {
    tf.serialization.registerClass(
      cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    );
  }
}

/** Copies each layer's weights from `from` where a layer of the same name (or `renamed`) has the same shapes. */
function copyWeights(
  to: tf.LayersModel,
  from: tf.LayersModel,
  renamed: Record<string, string>,
): void {
  for (const layer of to.layers) {
    const source = from.layers.find((l) => l.name === (renamed[layer.name] ?? layer.name));
    if (!source || layer.weights.length === 0) continue;
    const values = source.getWeights();
    const fits =
      values.length === layer.weights.length &&
      values.every((v, i) => v.shape.join() === layer.weights[i]?.shape.join());
    if (fits) layer.setWeights(values);
  }
}

/**
 * Inputs: states [B, T, D] (entering encoder layer `fromLayer`), real [B, T] (1 for a real token, 0 for
 * padding), mark [B, T]. Output: probs [B, 3]. Given the accurate model it reads, the encoder layers and the
 * BiLSTM start from its fine-tuned weights.
 */
export function buildEntityHead(cfg: EntityHeadConfig, init?: tf.LayersModel): tf.LayersModel {
  registerEntityLayers();
  registerAccurateLayers();
  const { hidden } = cfg.encoder;
  const states = tf.input({ shape: [null, hidden], name: 'states' });
  const real = tf.input({ shape: [null], name: 'real' });
  const mark = tf.input({ shape: [null], name: 'mark' });
  let marked = new EntityMark({ dim: hidden, name: 'entity_mark' }).apply([
    states,
    mark,
  ]) as tf.SymbolicTensor;
  for (let index = cfg.fromLayer; index < cfg.encoder.layers; index++) {
    marked = new BertLayer({ encoder: cfg.encoder, index, name: encoderLayerName(index) }).apply([
      marked,
      real,
    ]) as tf.SymbolicTensor;
  }
  const read = new BiLstm({
    inputDim: hidden,
    units: cfg.lstmUnits,
    sequences: true,
    name: 'entity_bilstm',
  }).apply([marked, real]) as tf.SymbolicTensor;
  const whole = new MeanMaxPool({ name: 'headline_pool' }).apply([read, real]) as tf.SymbolicTensor;
  const span = new MeanMaxPool({ name: 'entity_pool' }).apply([read, mark]) as tf.SymbolicTensor;
  const joined = tf.layers
    .concatenate({ name: 'joined' })
    .apply([whole, span]) as tf.SymbolicTensor;
  const dropped = new SeededDropout({ rate: cfg.dropout, name: 'entity_dropout' }).apply(
    joined,
  ) as tf.SymbolicTensor;
  const probs = tf.layers
    .dense({
      units: LABELS.length,
      activation: 'softmax',
      name: 'entity_probs',
      kernelInitializer: tf.initializers.glorotUniform({ seed: initSeed(72, 0) }),
    })
    .apply(dropped) as tf.SymbolicTensor;
  const head = tf.model({
    inputs: [states, real, mark],
    outputs: probs,
    name: 'bellwether_entity_head',
  });
  if (init) copyWeights(head, init, { entity_bilstm: 'bilstm' });
  return head;
}
