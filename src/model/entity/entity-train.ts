/**
 * Trains the entity head on cached encoder states: AdamW with warm-up and linear decay, class-weighted
 * label-smoothed cross-entropy, per-epoch validation on entity rows, early stopping on macro-F1 keeping the
 * best weights.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../core/random.ts';
import { AdamW } from '../accurate/adamw.ts';
import { rateAt } from '../accurate/schedule.ts';
import { EarlyStopping } from '../early-stopping.ts';
import { DropoutNoise, type TrainingArgs } from '../layers.ts';
import { argmaxRows, confusionMatrix, type EvalMetrics, metricsFromConfusion } from '../metrics.ts';
import { BertLayer } from '../pretrained/encoder-layers.ts';
import type { EncoderConfig } from '../pretrained/encoder-weights.ts';
import {
  type HistoryRow,
  makeBatches,
  type Progress,
  snapshot,
  weightedCrossEntropy,
} from '../trainer.ts';
import type { TextStates } from './encoder-states.ts';
import { buildEntityHead, type EntityHeadConfig } from './entity-head.ts';
import { type EntityRow, headInputs, predictRows } from './entity-rows.ts';

export interface LabelledRow extends EntityRow {
  /** Class index (negative, neutral, positive). */
  label: number;
}

export interface EntityTrainOptions {
  /** The first encoder layer that runs inside the head, after the mark (the encoder's layer count: none). */
  fromLayer: number;
  /** Peak rate of the encoder layers inside the head (the rest of the head learns at `rate`). */
  encoderRate: number;
  lstmUnits: number;
  dropout: number;
  epochs: number;
  batchSize: number;
  rate: number;
  warmupFraction: number;
  weightDecay: number;
  patience: number;
  labelSmoothing: number;
  classWeightPower: number;
  seed: number;
}

export interface EntityTrainResult {
  head: tf.LayersModel;
  architecture: EntityHeadConfig;
  validation: EvalMetrics;
  bestEpoch: number;
  history: HistoryRow[];
  classWeights: number[];
  seconds: number;
}

function classWeights(rows: readonly LabelledRow[], power: number): number[] {
  const counts = [0, 0, 0];
  for (const r of rows) counts[r.label] = (counts[r.label] ?? 0) + 1;
  const raw = counts.map((c) => (c === 0 ? 0 : (rows.length / (3 * c)) ** power));
  const mean = raw.reduce((a, b) => a + b, 0) / 3;
  return raw.map((w) => w / mean);
}

export function rowMetrics(probs: Float32Array, rows: readonly LabelledRow[]): EvalMetrics {
  return metricsFromConfusion(
    confusionMatrix(
      rows.map((r) => r.label),
      argmaxRows(probs),
    ),
  );
}

/** The encoder model the states come from: its configuration, and its weights to start the head's layers from. */
export interface StatesSource {
  model: tf.LayersModel;
  encoder: EncoderConfig;
}

export function trainEntityHead(
  texts: readonly TextStates[],
  train: readonly LabelledRow[],
  validation: readonly LabelledRow[],
  source: StatesSource,
  options: EntityTrainOptions,
  onProgress: (p: Progress) => void = () => {},
): EntityTrainResult {
  const started = performance.now();
  const architecture: EntityHeadConfig = {
    kind: 'entity-head',
    encoder: source.encoder,
    fromLayer: options.fromLayer,
    lstmUnits: options.lstmUnits,
    dropout: options.dropout,
  };
  const hidden = source.encoder.hidden;
  const head = buildEntityHead(architecture, source.model);
  const encoderScale = options.encoderRate / options.rate;
  const optimizer = new AdamW(
    head.layers.flatMap((layer) =>
      layer.trainableWeights.map((w) => ({
        variable: w.read() as tf.Variable,
        rateScale: layer instanceof BertLayer ? encoderScale : 1,
        decay: w.shape.length > 1,
      })),
    ),
    { weightDecay: options.weightDecay },
  );
  const variables = optimizer.params.map((p) => p.variable);
  const weights = classWeights(train, options.classWeightPower);
  const random = seededRandom(options.seed);
  const lengths = train.map((r) => texts[r.text]?.length ?? 0);
  const stepsPerEpoch = Math.ceil(train.length / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmup = Math.round(totalSteps * options.warmupFraction);
  const smooth = options.labelSmoothing;
  const stopping = new EarlyStopping(options.patience, onProgress);
  let step = 0;
  let lastEpoch = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const batches = makeBatches(lengths, options.batchSize, random);
    const training: TrainingArgs = {
      training: true,
      noise: DropoutNoise.forEpoch(options.seed, epoch),
    };
    let lossSum = 0;
    let seen = 0;
    const epochStart = performance.now();
    for (const [s, batch] of batches.entries()) {
      step++;
      const y = new Float32Array(batch.length * 3);
      const w = new Float32Array(batch.length);
      batch.forEach((i, b) => {
        const label = train[i]?.label ?? 1;
        for (let c = 0; c < 3; c++) y[b * 3 + c] = (c === label ? 1 - smooth : 0) + smooth / 3;
        w[b] = weights[label] ?? 1;
      });
      const loss = tf.tidy(() => {
        const x = headInputs(texts, train, batch, hidden);
        const ys = tf.tensor2d(y, [batch.length, 3]);
        const ws = tf.tensor1d(w);
        const { value, grads } = tf.variableGrads(() => {
          const probs = head.apply([x.states, x.real, x.mark], training) as tf.Tensor;
          return weightedCrossEntropy(probs, ys, ws);
        }, variables);
        optimizer.apply(grads, rateAt(step, totalSteps, warmup, options.rate));
        return value.dataSync()[0] ?? 0;
      });
      lossSum += loss * batch.length;
      seen += batch.length;
      const rate = seen / Math.max((performance.now() - epochStart) / 1000, 1e-3);
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
    lastEpoch = epoch;
    const metrics = rowMetrics(predictRows(head, texts, validation, hidden), validation);
    const stop = stopping.endEpoch(
      {
        member: 1,
        members: 1,
        epoch,
        epochs: options.epochs,
        steps: batches.length,
        loss: lossSum / Math.max(seen, 1),
        textsPerSec: seen / Math.max((performance.now() - epochStart) / 1000, 1e-3),
        metrics,
      },
      () => snapshot(head),
    );
    if (stop) break;
  }
  stopping.restoreBest(head, lastEpoch);
  optimizer.dispose();
  return {
    head,
    architecture,
    validation:
      stopping.bestMetrics ?? rowMetrics(predictRows(head, texts, validation, hidden), validation),
    bestEpoch: stopping.bestEpoch ?? lastEpoch,
    history: stopping.history,
    classWeights: weights,
    seconds: (performance.now() - started) / 1000,
  };
}
