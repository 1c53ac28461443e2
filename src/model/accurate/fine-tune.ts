/**
 * Fine-tunes the accurate model: AdamW with layer-wise rates, linear warm-up and decay, class-weighted
 * label-smoothed cross-entropy, per-epoch validation with early stopping that keeps the best weights.
 * The lowest `freeze` blocks (embeddings, then encoder layers) can be frozen; their outputs are then
 * computed once per text and cached, so each step runs only the layers that learn.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../core/random.ts';
import type { Example } from '../dataset.ts';
import { EarlyStopping } from '../early-stopping.ts';
import { DropoutNoise, type TrainingArgs } from '../layers.ts';
import {
  argmaxRows,
  confusionMatrix,
  type EvalMetrics,
  labelIndex,
  metricsFromConfusion,
} from '../metrics.ts';
import type { EncoderWeights } from '../pretrained/encoder-weights.ts';
import {
  classWeightsFor,
  type HistoryRow,
  makeBatches,
  type Progress,
  snapshot,
  weightedCrossEntropy,
} from '../trainer.ts';
import { AdamW } from './adamw.ts';
import {
  type AccurateConfig,
  buildAccurateModel,
  EMBEDDINGS_LAYER,
  encoderLayerName,
} from './architecture.ts';
import { layerRateScale, rateAt } from './schedule.ts';

export interface FineTuneOptions {
  lstmUnits: number;
  dropout: number;
  maxLen: number;
  epochs: number;
  batchSize: number;
  /** Peak rate of the layers above the encoder. */
  headRate: number;
  /** Peak rate of the top encoder layer; lower layers get layerDecay× less per layer. */
  encoderRate: number;
  layerDecay: number;
  /** Share of all steps spent warming up. */
  warmupFraction: number;
  weightDecay: number;
  /** Epochs without a better validation macro-F1 before stopping. */
  patience: number;
  /** Blocks frozen from the bottom: 1 = the embeddings, 1 + k = the embeddings and encoder layers 0…k−1. */
  freeze: number;
  labelSmoothing: number;
  classWeightPower: number;
  seed: number;
  /** Stop after this many seconds of training, keeping the best epoch so far. */
  maxSeconds?: number;
  /** Stop after this many steps (measurements and tests). */
  maxSteps?: number;
}

/** Token ids of a text, [CLS] … [SEP] within maxLen (the WordPiece tokenizer's encode). */
export interface IdEncoder {
  encode(text: string, maxLen: number): number[];
}

export interface FineTuneResult {
  model: tf.LayersModel;
  architecture: AccurateConfig;
  validation: EvalMetrics;
  bestEpoch: number;
  epochsRun: number;
  history: HistoryRow[];
  classWeights: number[];
  /** Seconds spent computing the frozen blocks' cache (0 when nothing is frozen). */
  cacheSeconds: number;
  /** Mean seconds per training step, and how many steps were run. */
  stepSeconds: number;
  steps: number;
  seconds: number;
}

/** Runs the model's layers by name, so training can start above the frozen, cached blocks. */
class LayerChain {
  constructor(
    private readonly model: tf.LayersModel,
    private readonly cfg: AccurateConfig,
  ) {}

  /** Blocks 0…blocks−1 (embeddings, then encoder layers): [B, T] ids → [B, T, hidden]. */
  lower(ids: tf.Tensor2D, blocks: number): tf.Tensor {
    let x = this.model.getLayer(EMBEDDINGS_LAYER).apply(ids) as tf.Tensor;
    for (let i = 0; i < blocks - 1; i++) {
      x = this.model.getLayer(encoderLayerName(i)).apply([x, ids]) as tf.Tensor;
    }
    return x;
  }

  /** From block `from`'s input `x` to class probabilities; `training` turns dropout on. */
  upper(x: tf.Tensor, ids: tf.Tensor2D, from: number, training?: TrainingArgs): tf.Tensor {
    let h = x;
    for (let i = Math.max(0, from - 1); i < this.cfg.encoder.layers; i++) {
      h = this.model.getLayer(encoderLayerName(i)).apply([h, ids], training) as tf.Tensor;
    }
    for (const name of ['bilstm', 'pool']) {
      h = this.model.getLayer(name).apply([h, ids], training) as tf.Tensor;
    }
    for (const name of ['head_dropout', 'probs']) {
      h = this.model.getLayer(name).apply(h, training) as tf.Tensor;
    }
    return h;
  }

  /** Names of the layers at or above block `from`, which train. */
  trainableLayers(from: number): string[] {
    const frozen = new Set(from > 0 ? [EMBEDDINGS_LAYER] : []);
    for (let i = 0; i < from - 1; i++) frozen.add(encoderLayerName(i));
    return this.model.layers
      .filter((l) => l.weights.length > 0 && !frozen.has(l.name))
      .map((l) => l.name);
  }
}

/** The inputs of the first block that trains, per text: token ids, and the cached states when blocks are frozen. */
interface Encoded {
  ids: number[][];
  states?: Float32Array[];
}

function idsTensor(rows: readonly number[][], batch: readonly number[], t: number): tf.Tensor2D {
  const x = new Float32Array(batch.length * t);
  batch.forEach((i, row) => {
    x.set(rows[i] ?? [], row * t);
  });
  return tf.tensor2d(x, [batch.length, t]);
}

/** The first trainable block's input for a batch: cached states padded with zeros, or none (train from the ids). */
function blockInput(
  data: Encoded,
  batch: readonly number[],
  freeze: number,
): { ids: tf.Tensor2D; x: tf.Tensor | undefined } {
  const t = Math.max(...batch.map((i) => data.ids[i]?.length ?? 1));
  const ids = idsTensor(data.ids, batch, t);
  if (freeze === 0) return { ids, x: undefined };
  const { states } = data;
  if (!states)
    throw new Error(`block ${freeze} trains but the frozen blocks below were not cached`);
  const width = (states[batch[0] ?? 0]?.length ?? 0) / (data.ids[batch[0] ?? 0]?.length ?? 1);
  const x = new Float32Array(batch.length * t * width);
  batch.forEach((i, row) => {
    x.set(states[i] ?? [], row * t * width);
  });
  return { ids, x: tf.tensor3d(x, [batch.length, t, width]) };
}

/** Runs the frozen blocks once over every text (in length-sorted batches) and keeps each text's states. */
function cacheFrozen(chain: LayerChain, ids: number[][], freeze: number): Float32Array[] {
  const states: Float32Array[] = new Array(ids.length);
  const order = [...ids.keys()].sort((a, b) => (ids[a]?.length ?? 0) - (ids[b]?.length ?? 0));
  for (let start = 0; start < order.length; start += 64) {
    const batch = order.slice(start, start + 64);
    const t = Math.max(...batch.map((i) => ids[i]?.length ?? 1));
    const values = tf.tidy(() => chain.lower(idsTensor(ids, batch, t), freeze)).dataSync();
    const width = values.length / (batch.length * t);
    batch.forEach((i, row) => {
      const len = ids[i]?.length ?? 0;
      states[i] = values.slice(row * t * width, (row * t + len) * width) as Float32Array;
    });
  }
  return states;
}

function evaluate(
  chain: LayerChain,
  data: Encoded,
  labels: readonly number[],
  freeze: number,
): EvalMetrics {
  const probs = new Float32Array(labels.length * 3);
  const order = [...data.ids.keys()].sort(
    (a, b) => (data.ids[a]?.length ?? 0) - (data.ids[b]?.length ?? 0),
  );
  for (let start = 0; start < order.length; start += 64) {
    const batch = order.slice(start, start + 64);
    const values = tf
      .tidy(() => {
        const { ids, x } = blockInput(data, batch, freeze);
        return x ? chain.upper(x, ids, freeze) : chain.upper(chain.lower(ids, 1), ids, 1);
      })
      .dataSync();
    batch.forEach((i, row) => {
      probs.set(values.subarray(row * 3, row * 3 + 3), i * 3);
    });
  }
  return metricsFromConfusion(confusionMatrix(labels, argmaxRows(probs)));
}

export function fineTune(
  train: readonly Example[],
  validation: readonly Example[],
  tokenizer: IdEncoder,
  pretrained: EncoderWeights,
  options: FineTuneOptions,
  onProgress: (p: Progress) => void = () => {},
): FineTuneResult {
  const started = performance.now();
  const architecture: AccurateConfig = {
    kind: 'accurate',
    encoderId: pretrained.source.id,
    encoder: pretrained.config,
    maxLen: options.maxLen,
    lstmUnits: options.lstmUnits,
    dropout: options.dropout,
  };
  const { freeze } = options;
  if (freeze < 0 || freeze > pretrained.config.layers + 1) {
    throw new Error(`freeze ${freeze} is outside 0…${pretrained.config.layers + 1} blocks`);
  }
  const model = buildAccurateModel(architecture, pretrained);
  const chain = new LayerChain(model, architecture);
  const encode = (examples: readonly Example[]): number[][] =>
    examples.map((e) => tokenizer.encode(e.text, options.maxLen));
  const trainData: Encoded = { ids: encode(train) };
  const valData: Encoded = { ids: encode(validation) };
  const cacheStart = performance.now();
  if (freeze > 0) {
    trainData.states = cacheFrozen(chain, trainData.ids, freeze);
    valData.states = cacheFrozen(chain, valData.ids, freeze);
  }
  const cacheSeconds = (performance.now() - cacheStart) / 1000;
  const trainLabels = train.map((e) => labelIndex(e.label));
  const valLabels = validation.map((e) => labelIndex(e.label));
  const weights = classWeightsFor(train, options.classWeightPower);
  const rates = {
    encoderRate: options.encoderRate,
    layerDecay: options.layerDecay,
    headRate: options.headRate,
    encoderLayers: pretrained.config.layers,
  };
  const optimizer = new AdamW(
    chain.trainableLayers(freeze).flatMap((name) =>
      model.getLayer(name).trainableWeights.map((w) => ({
        variable: w.read() as tf.Variable,
        rateScale: layerRateScale(name, rates),
        decay: w.shape.length > 1,
      })),
    ),
    { weightDecay: options.weightDecay },
  );
  const variables = optimizer.params.map((p) => p.variable);
  const random = seededRandom(options.seed);
  const stepsPerEpoch = Math.ceil(train.length / options.batchSize);
  const totalSteps = Math.min(options.maxSteps ?? Infinity, stepsPerEpoch * options.epochs);
  const warmup = Math.round(totalSteps * options.warmupFraction);
  const smooth = options.labelSmoothing;
  const stopping = new EarlyStopping(options.patience, onProgress);
  let step = 0;
  let stepTime = 0;
  let epochsRun = 0;
  for (let epoch = 1; epoch <= options.epochs && step < totalSteps; epoch++) {
    const batches = makeBatches(
      trainData.ids.map((ids) => ids.length),
      options.batchSize,
      random,
    );
    let lossSum = 0;
    let seen = 0;
    // The rate reads this epoch's texts over this epoch's step time.
    let epochStepTime = 0;
    const training: TrainingArgs = {
      training: true,
      noise: DropoutNoise.forEpoch(options.seed, epoch),
    };
    for (let s = 0; s < batches.length && step < totalSteps; s++) {
      const batch = batches[s] ?? [];
      const stepStart = performance.now();
      step++;
      const y = new Float32Array(batch.length * 3);
      const w = new Float32Array(batch.length);
      batch.forEach((i, row) => {
        const label = trainLabels[i] ?? 1;
        for (let c = 0; c < 3; c++) y[row * 3 + c] = (c === label ? 1 - smooth : 0) + smooth / 3;
        w[row] = weights[label] ?? 1;
      });
      const lossValue = tf.tidy(() => {
        const { ids, x } = blockInput(trainData, batch, freeze);
        const ys = tf.tensor2d(y, [batch.length, 3]);
        const ws = tf.tensor1d(w);
        const { value, grads } = tf.variableGrads(() => {
          const probs = x
            ? chain.upper(x, ids, freeze, training)
            : chain.upper(chain.lower(ids, 1), ids, 1, training);
          return weightedCrossEntropy(probs, ys, ws);
        }, variables);
        optimizer.apply(grads, rateAt(step, totalSteps, warmup, options.headRate));
        return value.dataSync()[0] ?? 0;
      });
      const took = (performance.now() - stepStart) / 1000;
      stepTime += took;
      epochStepTime += took;
      lossSum += lossValue * batch.length;
      seen += batch.length;
      const rate = seen / Math.max(epochStepTime, 1e-3);
      onProgress({
        member: 1,
        members: 1,
        epoch,
        epochs: options.epochs,
        step: s + 1,
        steps: batches.length,
        loss: lossSum / seen,
        textsPerSec: rate,
        etaSec: ((totalSteps - step) * options.batchSize) / rate,
      });
    }
    epochsRun = epoch;
    const metrics = evaluate(chain, valData, valLabels, freeze);
    const stop = stopping.endEpoch(
      {
        member: 1,
        members: 1,
        epoch,
        epochs: options.epochs,
        steps: batches.length,
        loss: lossSum / Math.max(seen, 1),
        textsPerSec: seen / Math.max(epochStepTime, 1e-3),
        metrics,
      },
      () => snapshot(model),
    );
    if (stop) break;
    if (options.maxSeconds && (performance.now() - started) / 1000 > options.maxSeconds) break;
  }
  stopping.restoreBest(model, epochsRun);
  optimizer.dispose();
  return {
    model,
    architecture,
    validation: stopping.bestMetrics ?? evaluate(chain, valData, valLabels, freeze),
    bestEpoch: stopping.bestEpoch ?? epochsRun,
    epochsRun,
    history: stopping.history,
    classWeights: weights,
    cacheSeconds,
    stepSeconds: stepTime / Math.max(step, 1),
    steps: step,
    seconds: (performance.now() - started) / 1000,
  };
}
