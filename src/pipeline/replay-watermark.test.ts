import { describe, expect, it } from 'vitest';
import { ReplayWatermark } from './replay-watermark.ts';

describe('ReplayWatermark', () => {
  it('reaches the stream time of the last batch whose items are all handled, and never goes back', () => {
    const watermark = new ReplayWatermark();
    expect(watermark.at(0)).toBeUndefined();
    watermark.record(100, 1_000);
    watermark.record(250, 2_000);
    watermark.record(400, 3_000);
    expect(watermark.at(99)).toBeUndefined();
    expect(watermark.at(100)).toBe(1_000);
    expect(watermark.at(300)).toBe(2_000);
    expect(watermark.at(200)).toBe(2_000);
    expect(watermark.at(400)).toBe(3_000);
  });
});
