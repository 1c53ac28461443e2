// The load bench's histogram: percentiles within one bucket (≤ 1/32) of the exact ones, the max exact.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

describe('LatencyHistogram', () => {
  it('reads percentiles within 1/32 above the exact value, and the exact max', () => {
    const histogram = new LatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 5_000));
    for (const value of values) histogram.record(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? Number.NaN;
      const read = histogram.percentile(q);
      expect(read).toBeGreaterThanOrEqual(exact);
      expect(read).toBeLessThanOrEqual(exact * (1 + 1 / 32) + 1);
    }
    expect(histogram.summary()).toMatchObject({ count: 10_000, max: 5_000 });
    expect(histogram.octaves().reduce((sum, [, , count]) => sum + count, 0)).toBe(10_000);
  });

  it('answers NaN when empty and refuses a value that is not a number', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(0.5)).toBeNaN();
    expect(() => histogram.record(Number.NaN)).toThrow(/finite/);
  });
});
