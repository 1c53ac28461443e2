// `bellwether train --arch accurate` as a user runs it on the provisioned MiniLM: it writes a float16
// model under 50 MB with its WordPiece tokenizer and card, the same command reproduces the same version,
// and score-text and eval read the directory.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { labelledCsv } from '../support/labelled-csv.ts';
import { pretrainedOrSkip } from '../support/pretrained.ts';

describe('train --arch accurate, then score-text and eval', () => {
  const found = pretrainedOrSkip('all-minilm-l6-v2');
  if (!found.ok) return;
  let dir: string;
  let data: string;
  // Three frozen blocks keep the run to seconds; the path is the one every recipe takes.
  const train = (out: string) =>
    runCli(
      ['train', '--arch', 'accurate', '--data', data, '--out', out, '--epochs', '1'].concat([
        '--freeze',
        '4',
        '--float16',
        '--lstm',
        '16',
      ]),
      {},
      300_000,
    );

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-train-accurate-'));
    data = path.join(dir, 'labelled.csv');
    await writeFile(data, labelledCsv(90));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a float16 model under 50 MB with its WordPiece tokenizer and card; a rerun gives the same version', async () => {
    const first = path.join(dir, 'a', 'accurate');
    const second = path.join(dir, 'b', 'accurate');
    for (const out of [first, second]) {
      const run = await train(out);
      expect(run.stderr).toContain('epoch 1/1');
      expect(run.code).toBe(0);
    }
    const meta = JSON.parse(await readFile(path.join(first, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ tokenizer: 'wordpiece', weightsDtype: 'float16' });
    expect(meta.architecture).toMatchObject({ kind: 'accurate', encoderId: 'all-minilm-l6-v2' });
    const again = JSON.parse(await readFile(path.join(second, 'meta.json'), 'utf8'));
    expect(again.version).toBe(meta.version);
    expect((await stat(path.join(first, 'weights.bin'))).size).toBeLessThan(50e6);
    const card = await readFile(path.join(first, 'card.md'), 'utf8');
    expect(card).toContain(meta.version);
    expect(card).toContain('Apache License 2.0');
    expect(card).toContain('stored as float16');
  });

  it('score-text and eval read the accurate model directory', async () => {
    const model = path.join(dir, 'a', 'accurate');
    const scored = await runCli(
      ['score-text', '--model', model],
      {},
      120_000,
      '"Acme shares plunge after a profit warning"\n',
    );
    expect(scored.code).toBe(0);
    const row = JSON.parse(scored.stdout.trim());
    expect(['negative', 'neutral', 'positive']).toContain(row.label);
    const evaluated = await runCli(
      ['eval', '--model', model, '--data', data, '--json'],
      {},
      120_000,
    );
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).n).toBe(90);
  });
});
