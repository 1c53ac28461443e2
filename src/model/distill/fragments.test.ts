import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.ts';
import { fragmentVariants, joinedHalves, wordRun } from './fragments.ts';

const TEXTS = [
  'Acme shares fell 12% after the company cut its full-year revenue forecast',
  'Beta Bank posts record quarterly profit on strong loan growth',
  'Gamma to hold its annual general meeting in March',
  'Short one',
];

describe('fragment variants (distillation transfer texts)', () => {
  it('cuts a run of between 2 and n − 1 consecutive words of the text', () => {
    const tokens = TEXTS[0]?.split(' ') ?? [];
    const random = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const run = wordRun(tokens, random).split(' ');
      expect(run.length).toBeGreaterThanOrEqual(2);
      expect(run.length).toBeLessThan(tokens.length);
      expect(TEXTS[0]).toContain(run.join(' '));
    }
  });

  it('joins a proper front of one text to a proper back of another, at word boundaries', () => {
    const first = TEXTS[0]?.split(' ') ?? [];
    const second = TEXTS[1]?.split(' ') ?? [];
    const random = seededRandom(5);
    for (let i = 0; i < 200; i++) {
      const joined = joinedHalves(first, second, random).split(' ');
      const front = joined.findIndex((word, k) => word !== first[k]);
      expect(front).toBeGreaterThanOrEqual(1);
      expect(front).toBeLessThan(first.length);
      expect(joined.slice(front)).toEqual(second.slice(second.length - (joined.length - front)));
    }
  });

  it('gives up to n distinct fragments per text of four words or more, none the text itself, reproducibly', () => {
    const out = fragmentVariants(TEXTS, 3, 7);
    // "Short one" has too few words to cut; the other three give three each.
    expect(out).toHaveLength(9);
    expect(new Set(out).size).toBe(out.length);
    for (const fragment of out) expect(TEXTS).not.toContain(fragment);
    expect(fragmentVariants(TEXTS, 3, 7)).toEqual(out);
    expect(fragmentVariants(TEXTS, 3, 8)).not.toEqual(out);
    expect(fragmentVariants(TEXTS, 0, 7)).toEqual([]);
  });
});
