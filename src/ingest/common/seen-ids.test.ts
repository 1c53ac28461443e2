// The bounded seen-id set: capacity holds, the least recently seen id goes first, a refresh saves an id.
import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids.ts';

describe('SeenIds', () => {
  it('evicts the least recently seen id beyond capacity', () => {
    const seen = new SeenIds(3);
    for (const id of ['a', 'b', 'c']) seen.add(id);
    seen.add('a'); // refreshed: now b is the stalest
    seen.add('d');
    expect(seen.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([true, false, true, true]);
    expect(() => new SeenIds(0)).toThrow(RangeError);
  });
});
