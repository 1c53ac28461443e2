// Retry-After: both header forms, and how it is laid over a backoff delay.
import { describe, expect, it } from 'vitest';
import { honourRetryAfter, parseRetryAfter, RETRY_AFTER_MAX_MS } from './retry-after.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  it.each([
    ['120', 120_000],
    [' 5 ', 5_000],
    ['Mon, 02 Mar 2026 12:01:30 GMT', 90_000],
    ['Mon, 02 Mar 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe('honourRetryAfter', () => {
  it('keeps the backoff when Retry-After is absent or shorter', () => {
    expect(honourRetryAfter(30_000, undefined)).toEqual({ delayMs: 30_000 });
    expect(honourRetryAfter(30_000, 10_000)).toEqual({ delayMs: 30_000 });
  });

  it('waits as long as Retry-After asks, up to a day, and says which it was', () => {
    expect(honourRetryAfter(30_000, 7_200_000)).toEqual({
      delayMs: 7_200_000,
      note: 'as Retry-After asks',
    });
    expect(honourRetryAfter(30_000, 8 * 86_400_000)).toEqual({
      delayMs: RETRY_AFTER_MAX_MS,
      note: 'Retry-After asked for 1w1d; capped at 1d',
    });
  });
});
