// The learned subword tokenizer: finance markers stay whole, merges are learned, JSON round-trips.
import { describe, expect, it } from 'vitest';
import { pretokenize } from './pretokenize.ts';
import { Tokenizer, trainTokenizer } from './tokenizer.ts';

const corpus = [
  'Acme shares jump 12% after record quarterly profit',
  'Acme shares slump -8.5% as profit warning hits',
  'Globex profit rises, shares up +3.4%',
  'Globex to acquire Initech for $2.5 billion https://example.com/deal',
  '$ACME upgraded at Big Bank; shares rise',
  'Rs 500 crore order win lifts Initech shares',
];

describe('pretokenize', () => {
  it('turns links, cashtags, signed percentages, amounts and numbers into markers', () => {
    expect(pretokenize('$AAPL up +3.4% to $190.5 https://t.co/xyz')).toEqual([
      '<cashtag>',
      'up',
      '<pct+>',
      'to',
      '<money>',
      '<url>',
    ]);
    expect(pretokenize('Sales fell -12% in Q3, 2,500 jobs cut')).toEqual([
      'sales',
      'fell',
      '<pct->',
      'in',
      'q',
      '<num>',
      ',',
      '<num>',
      'jobs',
      'cut',
    ]);
    expect(pretokenize('Rs 500 crore deal; margin 5 per cent')).toEqual([
      '<money>',
      'deal',
      ';',
      'margin',
      '<pct>',
    ]);
  });
});

describe('Tokenizer', () => {
  const tokenizer = trainTokenizer(corpus, { vocabSize: 120, minPairCount: 2 });

  it('learns merges for frequent words and keeps markers atomic', () => {
    const pieces = tokenizer.pieces('Shares jump 5% on profit');
    expect(pieces).toContain('shares</w>');
    expect(pieces).toContain('<pct></w>');
    expect(pieces).toContain('profit</w>');
    expect(tokenizer.size).toBeLessThanOrEqual(120);
  });

  it('splits unseen words into known subwords instead of one unknown token', () => {
    const ids = tokenizer.encode('sharesholder', 64);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).not.toContain(1);
  });

  it('truncates to maxLen and round-trips through JSON', () => {
    expect(tokenizer.encode(corpus.join(' '), 5)).toHaveLength(5);
    const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    for (const text of corpus) expect(copy.encode(text, 64)).toEqual(tokenizer.encode(text, 64));
  });
});
