// `bellwether train` → `eval` → `score-text` as a user runs them: the defaults train the shipped kind of
// model (lexicon prior, an ensemble in one file) and the other commands load what it wrote.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { labelledCsv } from '../support/labelled-csv.ts';

describe('train, eval and score-text from the command line', () => {
  let dir: string;
  let data: string;
  let out: string;

  /** `eval --split validation` of `model` on the training data, on wasm. */
  const evalValidation = (model: string, ...extra: string[]) =>
    runCli([
      'eval',
      '--model',
      model,
      '--data',
      data,
      '--split',
      'validation',
      '--backend',
      'wasm',
      ...extra,
    ]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-train-cli-'));
    data = path.join(dir, 'labelled.csv');
    out = path.join(dir, 'tiny');
    await writeFile(data, labelledCsv(180));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains with the default configuration (lexicon prior, an ensemble) and writes the card', async () => {
    const run = await runCli(
      [
        'train',
        '--data',
        data,
        '--out',
        out,
        '--backend',
        'wasm',
        '--members',
        '2',
        '--epochs',
        '2',
        '--dim',
        '16',
        '--heads',
        '2',
        '--ff',
        '32',
        '--lstm',
        '8',
        '--hidden',
        '16',
        '--ngram-buckets',
        '64',
        '--ngram-dim',
        '8',
        '--vocab',
        '700',
        '--lr',
        '0.01',
        '--no-baselines',
      ],
      {},
      180_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const meta = JSON.parse(await readFile(path.join(out, 'meta.json'), 'utf8'));
    expect(meta.architecture).toMatchObject({ lexicon: true, members: 2 });
    const card = await readFile(path.join(out, 'card.md'), 'utf8');
    expect(card).toContain('An ensemble of 2 networks');
    expect(card).toContain('polarity lexicon');
  });

  it('evaluates the trained model with --json and scores texts with it', async () => {
    const evaluated = await runCli([
      'eval',
      '--model',
      out,
      '--data',
      data,
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.n).toBe(180);
    expect(report.accuracy).toBeGreaterThan(0.6);

    const scored = await runCli([
      'score-text',
      '--model',
      out,
      'Acme shares plunge in may',
      'Acme shares surge in june',
    ]);
    expect(scored.code, scored.stderr).toBe(0);
    const rows = scored.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => r.label)).toEqual(['negative', 'positive']);
  });

  it('re-carves the split the model trained with, and says so when flags ask for another one', async () => {
    const evalSplit = (...extra: string[]) => evalValidation(out, '--json', ...extra);
    const own = await evalSplit();
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout).split).toBe('validation (seed 42, 0.15)');
    expect(own.stderr).not.toMatch(/not the model's own split|trained with seed/);

    const other = await evalSplit('--seed', '7');
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).split).toBe(
      "validation (seed 7, 0.15), not the model's own split",
    );
    expect(other.stderr).toMatch(
      /was trained with seed 42 and fraction 0\.15: this validation set can hold texts the model trained on/,
    );
  });

  it('refuses a model whose training.json is unreadable instead of validating on a guessed split', async () => {
    const broken = path.join(dir, 'broken');
    await cp(out, broken, { recursive: true });
    await writeFile(path.join(broken, 'training.json'), '{"split": {"seed": 4');
    const run = await evalValidation(broken);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /training\.json is not valid JSON .*it records the split --split validation re-carves/,
    );
  });
});
