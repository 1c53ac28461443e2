// Texts go through the model in groups of similar length (issue 13): padding a 256-text batch to its longest text
// wasted a third of the work on synthetic headlines, so groups break where the padded length grows.
import { describe, expect, it } from 'vitest';
import { lengthGroups } from './length-groups.ts';

const padded = (lengths: readonly number[], group: readonly number[]) =>
  Math.max(...group.map((i) => Math.ceil((lengths[i] ?? 1) / 4) * 4));

describe('lengthGroups', () => {
  it('starts a new group where the padded length grows, once the group is big enough', () => {
    const lengths = [...Array(40).fill(5), ...Array(40).fill(9), ...Array(40).fill(30)];
    const groups = lengthGroups(lengths, { step: 4, minGroup: 32, maxGroup: 256 });
    expect(groups.map((g) => g.length)).toEqual([40, 40, 40]);
    expect(groups.map((g) => padded(lengths, g))).toEqual([8, 12, 32]);
  });

  it('keeps growing a group below the minimum size rather than running a tiny one', () => {
    const lengths = [...Array(10).fill(3), ...Array(30).fill(7), ...Array(40).fill(20)];
    const groups = lengthGroups(lengths, { step: 4, minGroup: 32, maxGroup: 256 });
    expect(groups.map((g) => g.length)).toEqual([40, 40]);
  });

  it('caps a group at the maximum size and covers every index once, shortest first', () => {
    const lengths = Array.from({ length: 600 }, (_, i) => 1 + ((i * 7) % 5));
    const groups = lengthGroups(lengths, { step: 4, minGroup: 32, maxGroup: 256 });
    expect(Math.max(...groups.map((g) => g.length))).toBe(256);
    expect(groups.flat().sort((a, b) => a - b)).toEqual([...lengths.keys()]);
    const lengthsOf = (group: readonly number[] = []) => group.map((i) => lengths[i] ?? 0);
    const rest = groups.slice(1).flatMap((g) => lengthsOf(g));
    expect(Math.max(...lengthsOf(groups[0]))).toBeLessThanOrEqual(Math.min(...rest));
  });

  it('treats an empty sequence as one step long', () => {
    expect(lengthGroups([0, 0], { step: 4, minGroup: 32, maxGroup: 256 })).toEqual([[0, 1]]);
  });
});
