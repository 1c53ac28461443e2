// The distillation loss: tempering the teacher, the KL and cross-entropy terms, their weighting, and the student's
// logits read from a real tiny hybrid.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyArchitecture } from '../../../test/support/tiny-architecture.ts';
import { silentLogger } from '../../core/logger.ts';
import { buildModel } from '../architecture.ts';
import { selectBackend } from '../backend.ts';
import {
  distillationLoss,
  featureMatchLoss,
  featureProjection,
  klPerRow,
  standardizeFeatures,
  studentOutputs,
  temperProbs,
} from './loss.ts';

const value = (t: tf.Tensor) => Array.from(t.dataSync());

describe('issue 13.5 — the teacher is re-tempered as p^(1/T) renormalised', () => {
  it('leaves probabilities alone at T = 1 and softens them toward uniform at T = 2', () => {
    const p = new Float32Array([0.7, 0.2, 0.1]);
    expect(Array.from(temperProbs(p, 1).probs)).toEqual(
      Array.from(p).map((x) => expect.closeTo(x, 6)),
    );
    const soft = Array.from(temperProbs(p, 2).probs);
    const roots = [0.7, 0.2, 0.1].map(Math.sqrt);
    const sum = roots.reduce((a, b) => a + b, 0);
    expect(soft).toEqual(roots.map((r) => expect.closeTo(r / sum, 6)));
    expect(Math.max(...soft)).toBeLessThan(0.7);
  });

  it('stays finite at a tiny temperature and with zeros, and records Σ q·log q', () => {
    const { probs, negEntropy } = temperProbs(new Float32Array([0.5, 0.3, 0.2, 0, 1, 0]), 0.01);
    expect(Array.from(probs)).toEqual([1, 0, 0, 0, 1, 0].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(negEntropy)).toEqual([expect.closeTo(0, 6), 0]);
    const half = temperProbs(new Float32Array([0.5, 0.5, 0]), 1);
    expect(half.negEntropy[0]).toBeCloseTo(Math.log(0.5), 6);
  });

  it('refuses a temperature of 0 and a teacher row that is not a distribution', () => {
    expect(() => temperProbs(new Float32Array([0.5, 0.3, 0.2]), 0)).toThrow(/temperature/);
    expect(() => temperProbs(new Float32Array([Number.NaN, 0.3, 0.2]), 2)).toThrow(/row 0/);
    expect(() => temperProbs(new Float32Array([0, 0, 0]), 2)).toThrow(/all zeros/);
  });
});

describe('issue 13.5 — KL and cross-entropy from the student logits', () => {
  beforeAll(async () => {
    await selectBackend('cpu', silentLogger);
  });

  it('KL is 0 where the student at T matches the tempered teacher, positive elsewhere, finite at huge logits', () => {
    const teacher = new Float32Array([0.7, 0.2, 0.1, 0.1, 0.1, 0.8]);
    const t = temperProbs(teacher, 2);
    // The teacher's own logits (log p) give the teacher back at any temperature.
    const same = tf.log(tf.tensor2d(teacher, [2, 3]));
    const kl = klPerRow(same, tf.tensor2d(t.probs, [2, 3]), tf.tensor1d(t.negEntropy), 2);
    expect(value(kl)).toEqual([expect.closeTo(0, 5), expect.closeTo(0, 5)]);
    const off = tf.tensor2d([0, 0, 5, 1000, -1000, 0], [2, 3]);
    const far = value(klPerRow(off, tf.tensor2d(t.probs, [2, 3]), tf.tensor1d(t.negEntropy), 2));
    expect(far.every((x) => Number.isFinite(x) && x > 0.1)).toBe(true);
  });

  it('weights a·T²·KL against (1−a)·class-weighted CE, and an unlabelled row adds only its KL', () => {
    const t = temperProbs(new Float32Array([0.6, 0.3, 0.1, 0.2, 0.2, 0.6]), 2);
    const logits = tf.tensor2d([1, 0, -1, 0, 2, 0], [2, 3]);
    const batch = (weights: number[]) => ({
      tempered: tf.tensor2d(t.probs, [2, 3]),
      negEntropy: tf.tensor1d(t.negEntropy),
      hard: tf.tensor2d([1, 0, 0, 0, 0, 1], [2, 3]),
      weights: tf.tensor1d(weights),
    });
    const kl = value(klPerRow(logits, batch([1, 1]).tempered, batch([1, 1]).negEntropy, 2));
    const meanKl = ((kl[0] ?? 0) + (kl[1] ?? 0)) / 2;
    const logSoft = value(tf.logSoftmax(logits));
    const ce = [-(logSoft[0] ?? 0), -(logSoft[5] ?? 0)];
    const loss = (w: number[], a: number) =>
      distillationLoss(logits, batch(w), 2, a).dataSync()[0] ?? Number.NaN;

    expect(loss([1, 1], 1)).toBeCloseTo(4 * meanKl, 5);
    expect(loss([2, 1], 0)).toBeCloseTo((2 * (ce[0] ?? 0) + (ce[1] ?? 0)) / 3, 5);
    // Row 2 unlabelled: the hard term is row 1's alone, the soft term still both rows'.
    expect(loss([1, 0], 0.5)).toBeCloseTo(0.5 * 4 * meanKl + 0.5 * (ce[0] ?? 0), 5);
    expect(loss([0, 0], 0.5)).toBeCloseTo(0.5 * 4 * meanKl, 5);
  });

  it('the logits of a real hybrid softmax to its own output, and the loss trains its head', () => {
    const model = buildModel(tinyArchitecture(), 0);
    const ids = tf.tensor2d([5, 9, 14, 3, 0, 0, 7, 7, 21, 40, 33, 2], [2, 6]);
    const outputsOf = studentOutputs(model);
    const logitsOf = (x: tf.Tensor) => outputsOf(x).logits;
    const viaLogits = value(tf.softmax(logitsOf(ids)));
    const direct = value(model.predict(ids) as tf.Tensor);
    expect(viaLogits).toEqual(direct.map((x) => expect.closeTo(x, 5)));

    const t = temperProbs(new Float32Array([0.9, 0.05, 0.05, 0.05, 0.05, 0.9]), 2);
    const { grads } = tf.variableGrads(() =>
      distillationLoss(
        logitsOf(ids),
        {
          tempered: tf.tensor2d(t.probs, [2, 3]),
          negEntropy: tf.tensor1d(t.negEntropy),
          hard: tf.zeros([2, 3]),
          weights: tf.zeros([2]),
        },
        2,
        1,
      ),
    );
    const kernel = model.getLayer('probs').trainableWeights[0]?.originalName ?? '';
    const embedding = model.getLayer('embed').trainableWeights[0]?.originalName ?? '';
    for (const name of [kernel, embedding]) {
      const grad = grads[name];
      expect(grad, name).toBeDefined();
      expect(value(tf.abs(grad as tf.Tensor)).some((g) => g > 0)).toBe(true);
    }
  });

  it('standardises teacher features per dimension, a constant dimension to 0', () => {
    const z = standardizeFeatures(new Float32Array([1, 5, 10, 3, 5, 20, 5, 5, 30]), 3);
    // Columns: [1, 3, 5] → mean 3, sd √(8/3); [5, 5, 5] → 0; [10, 20, 30] → mean 20, sd √(200/3).
    const sd0 = Math.sqrt(8 / 3);
    const sd2 = Math.sqrt(200 / 3);
    expect(Array.from(z)).toEqual(
      [-2 / sd0, 0, -10 / sd2, 0, 0, 0, 2 / sd0, 0, 10 / sd2].map((x) => expect.closeTo(x, 5)),
    );
    expect(() => standardizeFeatures(new Float32Array(5), 3)).toThrow(/not rows of 3/);
  });

  it("matching features trains the student's hidden layer and the projection, and the loss is their squared error", () => {
    const model = buildModel(tinyArchitecture(), 0);
    const ids = tf.tensor2d([5, 9, 14, 3, 0, 0, 7, 7, 21, 40, 33, 2], [2, 6]);
    const { hidden } = studentOutputs(model)(ids);
    const projection = featureProjection(hidden.shape[1] ?? 0, 4, 1);
    const targets = tf.tensor2d([1, -1, 0.5, 2, 0, 0, -2, 1], [2, 4]);
    const projected = tf.add(tf.matMul(hidden, projection.kernel), projection.bias);
    const expected = value(tf.mean(tf.square(tf.sub(projected, targets))))[0] ?? Number.NaN;
    expect(value(featureMatchLoss(hidden, projection, targets))[0]).toBeCloseTo(expected, 5);

    const { grads } = tf.variableGrads(() =>
      featureMatchLoss(studentOutputs(model)(ids).hidden, projection, targets),
    );
    const hiddenKernel = model.getLayer('hidden').trainableWeights[0]?.name ?? '';
    for (const name of [hiddenKernel, projection.kernel.name]) {
      const grad = grads[name];
      expect(grad, name).toBeDefined();
      expect(value(tf.abs(grad as tf.Tensor)).some((g) => g > 0)).toBe(true);
    }
  });
});
