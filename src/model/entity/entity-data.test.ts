import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entitiesDisagree, readEntityHeadlines, splitEntityHeadlines } from './entity-data.ts';

async function jsonl(lines: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bw-entity-'));
  const file = path.join(dir, 'e.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('readEntityHeadlines', () => {
  it('reads the entity labels of each headline and skips lines without any', async () => {
    const file = await jsonl([
      '{"text": "Infosys gains as Wipro slips", "entities": {"Infosys": "positive", "Wipro": "negative"}, "label": null}',
      '{"text": "No entities here", "label": "neutral"}',
      '{"text": "Odd label", "entities": {"X": "bullish"}}',
    ]);
    const headlines = await readEntityHeadlines(file);
    expect(headlines).toEqual([
      {
        text: 'Infosys gains as Wipro slips',
        entities: [
          { name: 'Infosys', label: 'positive' },
          { name: 'Wipro', label: 'negative' },
        ],
      },
    ]);
    expect(entitiesDisagree(headlines[0] ?? { text: '', entities: [] })).toBe(true);
  });

  it('names the line that is not JSON, and says what it expected when nothing is labelled', async () => {
    await expect(readEntityHeadlines(await jsonl(['{"text": "a"', '']))).rejects.toThrow(
      /e\.jsonl:1: not JSON/,
    );
    await expect(
      readEntityHeadlines(await jsonl(['{"text": "a", "label": "neutral"}'])),
    ).rejects.toThrow(/no entity-labelled lines/);
  });
});

describe('splitEntityHeadlines', () => {
  const h = (text: string) => ({ text, entities: [{ name: 'X', label: 'neutral' as const }] });

  it('keeps the encoder split, splits unseen headlines by text, and never puts one text on both sides', () => {
    const unseen = Array.from({ length: 100 }, (_, i) => h(`unseen ${i}`));
    const headlines = [h('held out'), h('trained'), ...unseen, h('unseen 7'), h('unseen 8')];
    const { train, validation } = splitEntityHeadlines({
      headlines,
      encoderValidation: new Set(['held out']),
      encoderTraining: new Set(['trained']),
      fraction: 0.2,
      seed: 42,
    });
    expect(validation.map((x) => x.text)).toContain('held out');
    expect(train.map((x) => x.text)).toContain('trained');
    const trainTexts = new Set(train.map((x) => x.text));
    expect(validation.filter((x) => trainTexts.has(x.text))).toEqual([]);
    // 20 of the 100 distinct unseen texts, plus the encoder's own held-out headline.
    expect(new Set(validation.map((x) => x.text)).size).toBe(21);
    expect(train.length + validation.length).toBe(headlines.length);
  });
});
