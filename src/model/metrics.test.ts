// Metric code checked against a confusion matrix worked out by hand.
import { describe, expect, it } from 'vitest';
import { argmaxRows, confusionMatrix, metricsFromConfusion } from './metrics.ts';

describe('metrics', () => {
  // rows = true (neg, neu, pos), columns = predicted
  const confusion = [
    [8, 2, 0],
    [1, 15, 4],
    [1, 3, 6],
  ];

  it('computes accuracy, per-class precision/recall/F1 and macro-F1', () => {
    const m = metricsFromConfusion(confusion);
    expect(m.n).toBe(40);
    expect(m.accuracy).toBeCloseTo(29 / 40, 10);
    // negative: tp 8, predicted 10, support 10
    expect(m.perClass.negative.precision).toBeCloseTo(0.8, 10);
    expect(m.perClass.negative.recall).toBeCloseTo(0.8, 10);
    expect(m.perClass.negative.f1).toBeCloseTo(0.8, 10);
    // neutral: tp 15, predicted 20, support 20
    expect(m.perClass.neutral.precision).toBeCloseTo(0.75, 10);
    expect(m.perClass.neutral.recall).toBeCloseTo(0.75, 10);
    // positive: tp 6, predicted 10, support 10 → P 0.6, R 0.6
    expect(m.perClass.positive.f1).toBeCloseTo(0.6, 10);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.75 + 0.6) / 3, 10);
  });

  it('gives zero, not NaN, for a class never predicted', () => {
    const m = metricsFromConfusion([
      [0, 3, 0],
      [0, 5, 0],
      [0, 2, 0],
    ]);
    expect(m.perClass.negative.precision).toBe(0);
    expect(m.perClass.negative.f1).toBe(0);
    expect(m.accuracy).toBeCloseTo(0.5, 10);
  });

  it('builds the confusion matrix from label indices and argmax rows', () => {
    const predicted = argmaxRows(new Float32Array([0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.2, 0.5, 0.3]));
    expect(predicted).toEqual([0, 2, 1]);
    expect(confusionMatrix([0, 1, 1], predicted)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 0],
    ]);
  });
});
