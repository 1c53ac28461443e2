import { describe, expect, it } from 'vitest';
import { pairwiseAccuracy } from './pairwise-accuracy.ts';

describe('issue 15.3 — pairwise story accuracy', () => {
  it('counts pairs from cluster sizes: precision, recall and merged hard negatives', () => {
    // Truth: {a1, a2, a3} and {b1}, all one company-day. Predicted: {a1, a2} and {a3, b1}.
    const accuracy = pairwiseAccuracy([
      { truth: 'a', predicted: 'x', group: 'g' },
      { truth: 'a', predicted: 'x', group: 'g' },
      { truth: 'a', predicted: 'y', group: 'g' },
      { truth: 'b', predicted: 'y', group: 'g' },
    ]);
    // Predicted pairs: (a1,a2) right, (a3,b1) wrong. True pairs: 3, one found.
    expect(accuracy.precision).toBe(0.5);
    expect(accuracy.recall).toBeCloseTo(1 / 3);
    // Hard negatives: (a1,b1), (a2,b1), (a3,b1); only (a3,b1) merged.
    expect(accuracy.hardNegativePairs).toBe(3);
    expect(accuracy.hardNegativesMerged).toBeCloseTo(1 / 3);
  });
});
