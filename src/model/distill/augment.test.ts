// Augmented transfer texts: seeded and reproducible, never the text itself, and every edit keeps what carries the
// sentiment (cue words, negators) while it swaps companies consistently, moves numbers, swaps clauses, drops words.
import { describe, expect, it } from 'vitest';
import { polarityOf } from '../lexicon.ts';
import { augmentTexts } from './augment.ts';

const COMPANIES = [
  { ticker: 'TSLA', name: 'Tesla' },
  { ticker: 'F', name: 'Ford' },
  { ticker: 'GM', name: 'General Motors' },
  { ticker: 'BA', name: 'Boeing' },
];
const TEXT =
  'Tesla shares fall 5.2% to $180 in 2024 Q3 trading, analysts say $TSLA will not recover';
const words = (text: string) => text.toLowerCase().match(/[\p{L}']+/gu) ?? [];

describe('issue 13.5 — --augment: meaning-keeping variants of training texts', () => {
  const variants = augmentTexts([TEXT], 200, { seed: 7, companies: COMPANIES });

  it('gives n variants per text in order, the same for the same seed, others for another seed', () => {
    const two = augmentTexts(['Acme beats estimates', 'Beta misses'], 3, {
      seed: 1,
      companies: COMPANIES,
    });
    expect(two).toHaveLength(6);
    expect(two.slice(0, 3).every((v) => v.includes('estimates'))).toBe(true);
    expect(augmentTexts([TEXT], 200, { seed: 7, companies: COMPANIES })).toEqual(variants);
    expect(augmentTexts([TEXT], 200, { seed: 8, companies: COMPANIES })).not.toEqual(variants);
    expect(variants.filter((v) => v === TEXT)).toEqual([]);
  });

  it('keeps every sentiment cue and negator, the year and the quarter', () => {
    const cues = words(TEXT).filter((w) => polarityOf(w) !== 0 || w === 'not');
    expect(cues).toContain('fall');
    for (const v of variants) {
      for (const cue of cues) expect(words(v), v).toContain(cue);
      expect(v).toContain('2024 Q3');
    }
  });

  it('swaps a company for another one, the same one for its name and its cashtag', () => {
    const swapped = variants.filter((v) => !v.includes('Tesla'));
    expect(swapped.length).toBeGreaterThan(20);
    for (const v of swapped) {
      const to = COMPANIES.find((c) => c.ticker !== 'TSLA' && v.includes(c.name));
      expect(to, v).toBeDefined();
      expect(v).toContain(`$${to?.ticker}`);
    }
  });

  it('changes numbers, swaps the two clauses, drops plain words and adds wire prefixes, each in some variants', () => {
    expect(variants.some((v) => !v.includes('5.2%') && /\d\.\d%/.test(v))).toBe(true);
    expect(variants.some((v) => !v.includes('$180') && /\$\d+ in/.test(v))).toBe(true);
    expect(variants.some((v) => /recover, .*Tesla shares/.test(v) || /^Analysts say/.test(v))).toBe(
      true,
    );
    expect(variants.some((v) => words(v).length < words(TEXT).length)).toBe(true);
    expect(
      variants.some((v) => /^(UPDATE \d-|BRIEF-|RPT-|CORRECTED-|EXCLUSIVE-|BREAKING: )/.test(v)),
    ).toBe(true);
  });
});
