import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import { findMentions, spanPositions } from './entity-spans.ts';

const file = new URL('../../../models/accurate/tokenizer.json', import.meta.url);
const wordpiece = WordPieceInput.fromJson(JSON.parse(readFileSync(file, 'utf8')), file.pathname);
const counter = {
  contentLength: (t: string) => wordpiece.encode(t, Number.POSITIVE_INFINITY).length,
};

describe('findMentions', () => {
  it('finds every whole-word mention, case-insensitively', () => {
    const text = 'Tesla cuts prices; tesla rivals react as TESLA slides';
    expect(findMentions(text, 'Tesla')).toEqual([
      { start: 0, end: 5 },
      { start: 19, end: 24 },
      { start: 41, end: 46 },
    ]);
  });

  it('prefers word-bounded mentions and falls back to the first inside a word', () => {
    expect(findMentions('US banks beat; USD slips', 'US')).toEqual([{ start: 0, end: 2 }]);
    expect(findMentions('Would stick to banking stocks', 'bank')).toEqual([{ start: 15, end: 19 }]);
  });

  it('gives nothing for a name the text does not hold', () => {
    expect(findMentions('Infosys gains', 'Wipro')).toEqual([]);
  });
});

describe('spanPositions', () => {
  it('maps a mention to the framed positions of its WordPiece tokens', () => {
    const text = 'Infosys gains as Wipro slips';
    const framed = wordpiece.encodeFramed(text, 64);
    const wipro = spanPositions(text, findMentions(text, 'Wipro'), counter, framed.length);
    const pieces = wipro.map((p) => wordpiece.vocab[framed[p] ?? 0]).join(' ');
    expect(pieces.replace(/ ##/g, '')).toBe('wipro');
    const infosys = spanPositions(text, findMentions(text, 'Infosys'), counter, framed.length);
    expect(infosys[0]).toBe(1);
  });

  it('drops positions cut off by maxLen, and keeps every mention', () => {
    const text = 'Apple and Apple again';
    const all = spanPositions(text, findMentions(text, 'Apple'), counter, 7);
    expect(all).toEqual([1, 3]);
    expect(spanPositions(text, findMentions(text, 'again'), counter, 4)).toEqual([]);
  });
});
