// Synthetic headlines for timing a model: reproducible, headline-length, made of the vocabulary's whole words.
import { describe, expect, it } from 'vitest';
import { syntheticHeadlines } from './synthetic-texts.ts';
import { Tokenizer } from './tokenizer.ts';

const MARKERS = new Set([
  '$ACME',
  '+3.4%',
  '-12%',
  '$2.5',
  'billion',
  'https://example.com/x',
  '2024',
]);

function wordsOf(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split(' ')).filter((word) => !MARKERS.has(word));
}

describe('synthetic headlines', () => {
  it("are 10–22 words of a BPE vocabulary's whole words, the same for the same seed", () => {
    const bpe = new Tokenizer(
      ['<pad>', 'plun', 'plunge</w>', 'shares</w>', 'up</w>', 'ge</w>'],
      [],
    );
    const texts = syntheticHeadlines(bpe, 50, 7);
    expect(texts).toHaveLength(50);
    expect(syntheticHeadlines(bpe, 50, 7)).toEqual(texts);
    expect(syntheticHeadlines(bpe, 50, 8)).not.toEqual(texts);
    for (const text of texts) {
      const n = text.replace('$2.5 billion', '$2.5').split(' ').length;
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(22);
    }
    // Word pieces ('plun') and words under three letters ('up') are left out.
    expect(new Set(wordsOf(texts))).toEqual(new Set(['plunge', 'shares']));
  });

  it("draw on a WordPiece vocabulary's plain entries, which are whole words", () => {
    const wordPiece = new Tokenizer(['[PAD]', '[CLS]', 'recall', '##s', 'tesla', 'a'], []);
    expect(new Set(wordsOf(syntheticHeadlines(wordPiece, 20, 1)))).toEqual(
      new Set(['recall', 'tesla']),
    );
  });
});
