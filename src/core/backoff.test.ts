import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

describe('issue 16.6 — one backoff formula for the bus, the sink, the notifiers, the feed poller and Kafka commits', () => {
  const options = { baseMs: 100, maxMs: 1_000 };
  const noJitter = () => 0;

  it('starts at baseMs and doubles per consecutive failure up to maxMs', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((failures) =>
      backoffDelayMs(failures, options, noJitter),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('treats zero or negative failure counts as the first, and huge ones as the cap', () => {
    expect(backoffDelayMs(0, options, noJitter)).toBe(100);
    expect(backoffDelayMs(-3, options, noJitter)).toBe(100);
    expect(backoffDelayMs(10_000, options, noJitter)).toBe(1_000);
  });

  it('adds up to 10% jitter from the random source it is given', () => {
    expect(backoffDelayMs(1, options, () => 0.5)).toBe(105);
    expect(backoffDelayMs(3, options, () => 0.999)).toBe(440);
  });

  it('never waits past maxMs, jitter included', () => {
    expect(backoffDelayMs(4, options, () => 0.999)).toBe(880);
    expect(backoffDelayMs(5, options, () => 0.999)).toBe(1_000);
    expect(backoffDelayMs(9, options, () => 0.999)).toBe(1_000);
  });

  it('jitters with Math.random when no source is given, within [delay, delay × 1.1]', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelayMs(2, options);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(220);
    }
  });
});
