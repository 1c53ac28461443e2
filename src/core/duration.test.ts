import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('durations', () => {
  it('parses Prometheus-style durations, compound ones included', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', '30', '30x', 'm5', '1h 30m', '-5m', '1.5h'])
      expect(parseDuration(bad)).toBeUndefined();
  });

  it('writes the shortest exact spelling, and round-trips', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(-60_000)).toBe('-1m');
    for (const ms of [1, 999, 61_000, 86_400_000 + 1_000])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
