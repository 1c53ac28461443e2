// Issue 13.6 — the shipped accurate model: chosen with `score-text --model models/accurate`, it reads a clearly
// negative and a clearly positive headline the right way (int8 weights dequantized at load; about 3 s on wasm
// here); it fits the repository's 50 MB, and its card and NOTICE credit the pretrained encoder.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.ts';

const NEGATIVE = 'Acme shares plunge after profit warning and CEO exit';
const POSITIVE = 'Acme beats estimates, raises full-year guidance; shares surge to record';

describe('issue 13.6 — score-text --model models/accurate', () => {
  it('scores a clearly negative headline negative and a clearly positive one positive', async () => {
    const run = await runCli(
      ['score-text', '--model', 'models/accurate', '--backend', 'wasm', NEGATIVE, POSITIVE],
      {},
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; label: string; score: number });
    expect(rows.map((r) => [r.text, r.label])).toEqual([
      [NEGATIVE, 'negative'],
      [POSITIVE, 'positive'],
    ]);
    expect(rows[0]?.score).toBeLessThan(-0.5);
    expect(rows[1]?.score).toBeGreaterThan(0.5);
  });

  it('ships under 50 MB as int8, with a card that states its readings and credits e5-small-v2 (MIT) as NOTICE does', async () => {
    const dir = path.join(repoRoot, 'models/accurate');
    const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ weightsDtype: 'int8', tokenizer: 'wordpiece' });
    expect((await stat(path.join(dir, 'weights.bin'))).size).toBeLessThan(50e6);
    const card = await readFile(path.join(dir, 'card.md'), 'utf8');
    for (const line of [
      `Version \`${meta.version}\``,
      'stored as int8',
      '| before quantization:',
      '| after quantization, as shipped (int8) |',
      'Cross-source (the same recipe: ',
      'e5-small-v2 by Liang Wang',
      'Licence: MIT License',
      'twitter-financial-news/train.csv, sentfin/train.jsonl',
    ]) {
      expect(card).toContain(line);
    }
    const notice = await readFile(path.join(repoRoot, 'NOTICE'), 'utf8');
    expect(notice).toMatch(/models\/accurate is a derivative work of e5-small-v2/);
    // models/entity carries fine-tuned e5 layers too, under the same licence.
    expect(notice).toMatch(/models\/entity is a derivative work of e5-small-v2/);
    expect(notice).toContain('MIT License (e5-small-v2, and so models/accurate and models/entity)');
  });
});
