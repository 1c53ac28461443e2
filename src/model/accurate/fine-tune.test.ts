// Fine-tuning the accurate model on a tiny two-layer encoder: steps lower the loss, lower layers move less under layer-wise rates frozen blocks do not move at all, and early stopping keeps the best epoch.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TINY_ENCODER, tinyEncoderWeights } from '../../../test/support/tiny-encoder.ts';
import { seededRandom } from '../../core/random.ts';
import type { Example } from '../dataset.ts';
import { argmaxRows, confusionMatrix, labelIndex, metricsFromConfusion } from '../metrics.ts';
import { padBatch } from '../pretrained/bert-encoder.ts';
import { EMBEDDINGS_LAYER, encoderLayerName } from './architecture.ts';
import { type FineTuneOptions, fineTune } from './fine-tune.ts';

const ENCODER = tinyEncoderWeights({ ...TINY_ENCODER, layers: 2 });

/** Texts are token ids written out; [CLS] = 1 and [SEP] = 2 around them, as the WordPiece encoder does. */
const DIGITS = {
  encode: (text: string, maxLen: number) => [
    1,
    ...text
      .split(' ')
      .map(Number)
      .slice(0, maxLen - 2),
    2,
  ],
};

/** 7 in a text means positive, 8 negative, neither neutral; tokens 3–6 are noise, drawn independently of the label. */
function examples(n: number, seed: number): Example[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const noise = [3 + Math.floor(random() * 4), 3 + Math.floor(random() * 4)];
    const kind = i % 3;
    const cue = kind === 0 ? [8] : kind === 2 ? [7] : [];
    const label = kind === 0 ? 'negative' : kind === 2 ? 'positive' : 'neutral';
    return { text: [...noise, ...cue].join(' '), label, source: 'tiny' } as Example;
  });
}

const OPTIONS: FineTuneOptions = {
  lstmUnits: 4,
  dropout: 0,
  maxLen: 6,
  epochs: 1,
  batchSize: 8,
  headRate: 0.01,
  encoderRate: 0.01,
  layerDecay: 0.5,
  warmupFraction: 0.1,
  weightDecay: 0.01,
  patience: 1,
  freeze: 0,
  labelSmoothing: 0,
  classWeightPower: 0,
  seed: 3,
};

function layerValues(model: tf.LayersModel, name: string): Float32Array[] {
  return model
    .getLayer(name)
    .getWeights()
    .map((w) => w.dataSync() as Float32Array);
}

/** Mean absolute change of a layer's weights from the pretrained start. */
function meanMove(model: tf.LayersModel, name: string, prefix: string): number {
  const start = [...ENCODER.tensors].filter(([n]) => n.startsWith(prefix)).map(([, t]) => t.values);
  const now = model
    .getLayer(name)
    .weights.map((w) => ({ name: w.originalName, values: w.read().dataSync() }));
  let sum = 0;
  let count = 0;
  for (const { name: weightName, values } of now) {
    const reference = ENCODER.tensors.get(weightName.slice(weightName.indexOf('/') + 1))?.values;
    if (!reference) throw new Error(`no pretrained ${weightName}`);
    for (let i = 0; i < values.length; i++) sum += Math.abs((values[i] ?? 0) - (reference[i] ?? 0));
    count += values.length;
  }
  expect(start.length).toBeGreaterThan(0);
  return sum / count;
}

describe('accurate model fine-tuning', () => {
  it('a few epochs lower the training loss and learn the cue tokens', () => {
    const result = fineTune(examples(96, 1), examples(30, 2), DIGITS, ENCODER, {
      ...OPTIONS,
      epochs: 8,
      patience: 8,
      headRate: 0.03,
      encoderRate: 0.03,
    });
    const losses = result.history.map((h) => h.loss);
    expect(losses.at(-1)).toBeLessThan((losses[0] ?? 0) / 4);
    expect(result.validation.accuracy).toBeGreaterThan(0.9);
  });

  it('layer-wise rates: the embeddings move less than layer 0, and layer 0 less than layer 1', () => {
    const { model } = fineTune(examples(64, 1), examples(12, 2), DIGITS, ENCODER, {
      ...OPTIONS,
      layerDecay: 0.25,
    });
    const embeddings = meanMove(model, EMBEDDINGS_LAYER, 'embeddings.');
    const lower = meanMove(model, encoderLayerName(0), 'encoder.layer.0.');
    const upper = meanMove(model, encoderLayerName(1), 'encoder.layer.1.');
    expect(embeddings).toBeGreaterThan(0);
    expect(embeddings).toBeLessThan(lower / 2);
    expect(lower).toBeLessThan(upper / 2);
  });

  it('frozen blocks (embeddings and layer 0) stay bit-identical while layer 1 learns, trained from their cached states', () => {
    const start = fineTune(examples(8, 1), examples(4, 2), DIGITS, ENCODER, {
      ...OPTIONS,
      maxSteps: 0,
    }).model;
    const result = fineTune(examples(64, 1), examples(12, 2), DIGITS, ENCODER, {
      ...OPTIONS,
      freeze: 2,
    });
    expect(result.cacheSeconds).toBeGreaterThan(0);
    for (const name of [EMBEDDINGS_LAYER, encoderLayerName(0)]) {
      expect(layerValues(result.model, name)).toEqual(layerValues(start, name));
    }
    expect(layerValues(result.model, encoderLayerName(1))).not.toEqual(
      layerValues(start, encoderLayerName(1)),
    );
  });

  it('early stopping: when validation only gets worse, it stops after `patience` epochs and keeps the best', () => {
    // Validation swaps the cue tokens' meaning, so learning the training cues makes it worse.
    const swapped = examples(30, 2).map((e) => ({
      ...e,
      label: e.label === 'positive' ? 'negative' : e.label === 'negative' ? 'positive' : e.label,
    })) as Example[];
    const result = fineTune(examples(96, 1), swapped, DIGITS, ENCODER, {
      ...OPTIONS,
      epochs: 8,
      patience: 2,
      headRate: 0.03,
      encoderRate: 0.03,
    });
    const f1s = result.history.map((h) => h.valMacroF1);
    expect(result.epochsRun).toBeLessThan(8);
    expect(result.epochsRun).toBe(result.bestEpoch + 2);
    expect(result.validation.macroF1).toBe(Math.max(...f1s));
    // The returned model holds the best epoch's weights: it scores what that epoch scored.
    const { ids, shape } = padBatch(swapped.map((e) => DIGITS.encode(e.text, OPTIONS.maxLen)));
    const probs = tf.tidy(() =>
      (result.model.predict(tf.tensor2d(Float32Array.from(ids), shape)) as tf.Tensor).dataSync(),
    ) as Float32Array;
    const truth = swapped.map((e) => labelIndex(e.label));
    expect(metricsFromConfusion(confusionMatrix(truth, argmaxRows(probs)))).toEqual(
      result.validation,
    );
  });

  it('progress: a later epoch reports its own texts/s (its texts over its own time, not over the whole run)', () => {
    let thirdStarted = 0;
    let thirdEnded = 0;
    let reported = 0;
    fineTune(
      examples(64, 1),
      examples(6, 2),
      DIGITS,
      ENCODER,
      { ...OPTIONS, epochs: 3, patience: 3 },
      (p) => {
        if (p.epoch === 2 && p.valAccuracy !== undefined) thirdStarted = performance.now();
        if (p.epoch === 3 && p.valAccuracy === undefined && p.step === p.steps) {
          thirdEnded = performance.now();
          reported = p.textsPerSec;
        }
      },
    );
    const measured = 64 / ((thirdEnded - thirdStarted) / 1000);
    // Counting the third epoch's texts over all three epochs' step time reads a third of this or less.
    expect(reported).toBeGreaterThan(measured * 0.7);
  });

  it('refuses to freeze more blocks than the encoder has', () => {
    expect(() =>
      fineTune(examples(8, 1), examples(4, 2), DIGITS, ENCODER, { ...OPTIONS, freeze: 4 }),
    ).toThrow(/freeze 4 is outside 0…3 blocks/);
  });
});
