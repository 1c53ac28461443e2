// The shared statistics against hand-computed values.
import { describe, expect, it } from 'vitest';
import { ewma, moments, smoothedShare, wilsonLowerBound, wilsonUpperBound } from './stats.ts';

describe('stats', () => {
  it('Wilson lower bound matches hand-computed values', () => {
    // p = 1, n = 2, z² = 3.8416: (1 + 0.9604 − 1.96·0.49) / (1 + 1.9208) = 1 / 2.9208
    expect(wilsonLowerBound(2, 2, 1.96)).toBeCloseTo(1 / 2.9208, 6);
    // p = 0.8, n = 10: (0.99208 − 1.96·√0.025604) / 1.38416
    expect(wilsonLowerBound(8, 10, 1.96)).toBeCloseTo(0.490157, 5);
    expect(wilsonLowerBound(0, 10, 1.96)).toBe(0);
    expect(wilsonLowerBound(0, 0, 1.96)).toBe(0);
    expect(wilsonUpperBound(8, 10, 1.96)).toBeCloseTo(
      (0.99208 + 1.96 * Math.sqrt(0.025604)) / 1.38416,
      5,
    );
  });

  it('smooths a share towards its prior, and gives the prior when there is no data', () => {
    expect(smoothedShare(10, 100, 0.2, 20)).toBeCloseTo(14 / 120, 10);
    expect(smoothedShare(0, 0, 0.2, 20)).toBe(0.2);
    expect(smoothedShare(0, 0, 0.3, 0)).toBe(0.3);
  });

  it('computes sample mean and deviation', () => {
    const m = moments([0.1, 0.2, 0.1, 0.2, 0.1, 0.2]);
    expect(m.mean).toBeCloseTo(0.15, 10);
    expect(m.std).toBeCloseTo(Math.sqrt(0.015 / 5), 10);
    expect(moments([]).n).toBe(0);
    expect(moments([5]).std).toBe(0);
  });

  it('computes the EWMA mean and deviation incrementally', () => {
    // m: 0.1 → 0.15 → 0.125 → 0.1625; v: 0 → 0.0025 → 0.001875 → 0.00234375
    const e = ewma([0.1, 0.2, 0.1, 0.2], 0.5);
    expect(e.mean).toBeCloseTo(0.1625, 10);
    expect(e.std).toBeCloseTo(Math.sqrt(0.00234375), 10);
    expect(e.n).toBe(4);
  });
});
