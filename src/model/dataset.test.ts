// Data reading and the validation split: real CSV quoting, label policy, stratified seeded split, derived rows train-only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Example, parseCsv, parseLabel, readExamples, stratifiedSplit } from './dataset.ts';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes and newlines inside fields', () => {
    const rows = parseCsv(
      'text,label\n"a, b",positive\n"say ""hi""\nthere",neutral\r\nplain,negative\n',
    );
    expect(rows).toEqual([
      ['text', 'label'],
      ['a, b', 'positive'],
      ['say "hi"\nthere', 'neutral'],
      ['plain', 'negative'],
    ]);
  });
});

describe('labels', () => {
  it('accepts synonyms and numeric twitter codes only when asked', () => {
    expect(parseLabel('Positive')).toBe('positive');
    expect(parseLabel('bullish')).toBeUndefined();
    expect(parseLabel('bullish', { synonyms: true })).toBe('positive');
    expect(parseLabel('0', { synonyms: true })).toBe('negative');
    expect(parseLabel('2', { synonyms: true })).toBe('neutral');
  });
});

describe('readExamples (JSONL)', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-data-'));
    file = path.join(dir, 'set.jsonl');
    await writeFile(
      file,
      [
        { text: 'A agrees', entities: { A: 'positive' }, label: 'positive' },
        { text: 'A and B split', entities: { A: 'positive', B: 'negative' }, label: null },
        {
          text: 'A, B, C mostly down',
          entities: { A: 'negative', B: 'negative', C: 'neutral' },
          label: null,
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps only agreed headlines unless entity majority is asked for, and marks those derived', async () => {
    expect((await readExamples(file)).map((e) => e.label)).toEqual(['positive']);
    const withMajority = await readExamples(file, { entityMajority: true });
    expect(withMajority.map((e) => [e.label, e.derived === true])).toEqual([
      ['positive', false],
      ['negative', true],
    ]);
  });
});

describe('stratifiedSplit', () => {
  const examples: Example[] = [];
  for (let i = 0; i < 200; i++) {
    examples.push({
      text: `t${i}`,
      label: i % 4 === 0 ? 'negative' : 'neutral',
      source: i < 120 ? 'a' : 'b',
    });
  }
  examples.push({ text: 'derived', label: 'positive', source: 'a', derived: true });

  it('holds out the fraction per source and label, repeatably, and never validates derived rows', () => {
    const one = stratifiedSplit(examples, 0.15, 42);
    const two = stratifiedSplit(examples, 0.15, 42);
    expect(one.validation.map((e) => e.text)).toEqual(two.validation.map((e) => e.text));
    // a/negative 30 → 5 (rounded 4.5), a/neutral 90 → 14 (13.5), b/negative 20 → 3, b/neutral 60 → 9
    expect(one.validation).toHaveLength(5 + 14 + 3 + 9);
    expect(one.validation.some((e) => e.derived)).toBe(false);
    expect(one.train.some((e) => e.derived)).toBe(true);
    expect(one.train.length + one.validation.length).toBe(examples.length);
    const other = stratifiedSplit(examples, 0.15, 7);
    expect(other.validation.map((e) => e.text)).not.toEqual(one.validation.map((e) => e.text));
  });
});
