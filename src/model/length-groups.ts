/** Splits a batch of token sequences into groups of similar padded length, each run through the model as one pass. */

export interface GroupLimits {
  /** Sequences pad to a multiple of this, so the backend sees few distinct shapes. */
  step: number;
  /** A group is not closed below this size: every pass pays a fixed cost per op (the LSTM's per-step ops above all). */
  minGroup: number;
  maxGroup: number;
}

/**
 * Indices into `lengths`, shortest first, cut into groups: a group closes when the next sequence would
 * pad longer and the group already holds `minGroup` sequences, or when it reaches `maxGroup`. Padding
 * a whole batch to its longest text wastes attention and LSTM steps on every shorter one.
 */
export function lengthGroups(lengths: readonly number[], limits: GroupLimits): number[][] {
  const padded = (i: number) => Math.ceil(Math.max(1, lengths[i] ?? 1) / limits.step) * limits.step;
  const order = [...lengths.keys()].sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0));
  const groups: number[][] = [];
  let group: number[] = [];
  let groupPadded = 0;
  for (const i of order) {
    const p = padded(i);
    if (group.length >= limits.maxGroup || (group.length >= limits.minGroup && p > groupPadded)) {
      groups.push(group);
      group = [];
    }
    group.push(i);
    groupPadded = p;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
