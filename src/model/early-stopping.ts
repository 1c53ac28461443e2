/**
 * The end of a training epoch, as every trainer here does it: a history row, the epoch's progress line with
 * its validation reading, and early stopping on validation macro-F1 that keeps the best epoch's weights.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EvalMetrics } from './metrics.ts';
import { type HistoryRow, type Progress, restore } from './trainer.ts';

export interface EpochEnd {
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  steps: number;
  /** Mean training loss over the epoch. */
  loss: number;
  textsPerSec: number;
  metrics: EvalMetrics;
}

export class EarlyStopping {
  readonly history: HistoryRow[] = [];
  private best: { epoch: number; weights: Float32Array[]; metrics: EvalMetrics } | undefined;

  constructor(
    private readonly patience: number,
    private readonly onProgress: (p: Progress) => void,
  ) {}

  /** Records the epoch; true when `patience` epochs have passed without a better macro-F1. `snapshot` reads the weights worth keeping. */
  endEpoch(end: EpochEnd, snapshot: () => Float32Array[]): boolean {
    const { metrics } = end;
    this.history.push({
      member: end.member,
      epoch: end.epoch,
      loss: end.loss,
      valAccuracy: metrics.accuracy,
      valMacroF1: metrics.macroF1,
    });
    this.onProgress({
      member: end.member,
      members: end.members,
      epoch: end.epoch,
      epochs: end.epochs,
      step: end.steps,
      steps: end.steps,
      loss: end.loss,
      textsPerSec: end.textsPerSec,
      etaSec: 0,
      valAccuracy: metrics.accuracy,
      valMacroF1: metrics.macroF1,
    });
    if (!this.best || metrics.macroF1 > this.best.metrics.macroF1) {
      this.best = { epoch: end.epoch, weights: snapshot(), metrics };
      return false;
    }
    return end.epoch - this.best.epoch >= this.patience;
  }

  get bestEpoch(): number | undefined {
    return this.best?.epoch;
  }

  get bestMetrics(): EvalMetrics | undefined {
    return this.best?.metrics;
  }

  /** Writes the best epoch's weights back, unless the model holds them already (it ended on that epoch and `always` is off). */
  restoreBest(model: tf.LayersModel, lastEpoch: number, always = false): void {
    if (this.best && (always || this.best.epoch !== lastEpoch)) restore(model, this.best.weights);
  }
}
