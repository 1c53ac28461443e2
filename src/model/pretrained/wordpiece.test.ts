// Checks the WordPiece tokenizer against ids the reference implementation produced (wordpiece-golden.jsonl), for both provisioned encoders' tokenizer.json files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pretrainedOrSkip } from '../../../test/support/pretrained.ts';
import { PRETRAINED_IDS } from './provisioned.ts';
import { WordPieceTokenizer } from './wordpiece.ts';

interface GoldenCase {
  text: string;
  ids: number[];
}

const golden: GoldenCase[] = readFileSync(
  new URL('./wordpiece-golden.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as GoldenCase);

describe('WordPiece golden file', () => {
  it('holds a few hundred cases, the hard ones included', () => {
    expect(golden.length).toBeGreaterThanOrEqual(300);
    const texts = golden.map((c) => c.text);
    expect(texts).toContain('');
    expect(texts.some((t) => Array.from(t).length === 150)).toBe(true);
  });
});

for (const id of PRETRAINED_IDS) {
  describe(`WordPiece tokenizer of ${id} matches the reference ids`, () => {
    const found = pretrainedOrSkip(id);
    if (!found.ok) return;
    it('reproduces every id of every golden case', async () => {
      const tokenizer = await WordPieceTokenizer.load(found.tokenizerFile);
      expect(tokenizer.size).toBe(30522);
      const wrong = golden
        .map((c) => ({ text: c.text, expected: c.ids, got: tokenizer.encode(c.text) }))
        .filter((c) => c.got.join() !== c.expected.join());
      expect(wrong).toEqual([]);
    });

    it('truncates the text, never [CLS] or [SEP], to maxLen', async () => {
      const tokenizer = await WordPieceTokenizer.load(found.tokenizerFile);
      const long = golden.find((c) => c.ids.length > 12);
      if (!long) throw new Error('the golden file has no case longer than 12 ids');
      expect(tokenizer.encode(long.text, 8)).toEqual([...long.ids.slice(0, 7), 102]);
      expect(() => tokenizer.encode('x', 1)).toThrow(/no room/);
    });
  });
}

describe('WordPiece tokenizer, bad tokenizer.json', () => {
  it('names what it does not support', () => {
    expect(() => WordPieceTokenizer.fromJson({ model: { type: 'BPE' } }, 'x.json')).toThrow(
      'x.json: model BPE, expected WordPiece',
    );
    expect(() => WordPieceTokenizer.fromJson(null, 'x.json')).toThrow('x.json: not a JSON object');
  });
});
