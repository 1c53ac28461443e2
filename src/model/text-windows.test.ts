// Windows cover a long text with overlap, a capped count samples it evenly end to end, and pooling weighs by length.
import { describe, expect, it } from 'vitest';
import { poolWindows, windowsOf } from './text-windows.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('issue 14.7 — long texts are read in pooled windows', () => {
  it('keeps a text that fits as one window', () => {
    expect(windowsOf(ids(5), 8)).toEqual([ids(5)]);
    expect(windowsOf(ids(8), 8)).toEqual([ids(8)]);
  });

  it('covers every token of a longer text, with windows overlapping by at least a quarter', () => {
    const text = ids(100);
    const windows = windowsOf(text, 16);
    expect(windows.every((w) => w.length === 16)).toBe(true);
    expect(windows[0]?.[0]).toBe(1);
    expect(windows.at(-1)?.at(-1)).toBe(100);
    expect(new Set(windows.flat())).toEqual(new Set(text));
    for (let k = 1; k < windows.length; k++) {
      const overlap = (windows[k - 1]?.at(-1) ?? 0) - (windows[k]?.[0] ?? 0) + 1;
      expect(overlap).toBeGreaterThanOrEqual(4);
    }
  });

  it('spreads a capped number of windows evenly from the first token to the last', () => {
    const windows = windowsOf(ids(10_000), 10, 5);
    expect(windows.map((w) => w[0])).toEqual([1, 2499, 4996, 7494, 9991]);
    expect(windows.at(-1)?.at(-1)).toBe(10_000);
  });

  it('pools each text from its own windows, weighted by their token counts', () => {
    const rows = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
    const pooled = poolWindows(rows, [[30, 10], [5], [7]]);
    expect(Array.from(pooled)).toEqual([0.75, 0, 0.25, 0, 0, 1, 0, 1, 0]);
  });
});
