// Issue 15.6: `bellwether eval --entities` as a user runs it, with the shipped entity model: entity-level
// readings overall and where a headline's entities disagree, beside every entity getting the headline's
// label; and `train-entities` / `eval --entities` refuse bad input with a one-line reason (exit 2).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const HEADLINES = [
  { text: 'Infosys gains as Wipro slips', entities: { Infosys: 'positive', Wipro: 'negative' } },
  {
    text: 'Tesla shares jump while Ford slumps on recall',
    entities: { Tesla: 'positive', Ford: 'negative' },
  },
  {
    text: 'Nvidia beats estimates, Intel falls behind',
    entities: { Nvidia: 'positive', Intel: 'negative' },
  },
  { text: 'HDFC Bank reports steady quarter', entities: { 'HDFC Bank': 'neutral' } },
  {
    text: 'Apple and Microsoft rally as markets surge',
    entities: { Apple: 'positive', Microsoft: 'positive' },
  },
];

let dir: string;
let data: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bw-entities-cli-'));
  data = path.join(dir, 'entities.jsonl');
  await writeFile(data, `${HEADLINES.map((h) => JSON.stringify(h)).join('\n')}\n`);
});

describe('bellwether eval --entities', () => {
  it('reports entity-level readings overall and where entities disagree, beside the headline label', async () => {
    const result = await runCli(
      ['eval', '--entities', '--data', data, '--json', '--backend', 'wasm'],
      {},
      240_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      overall: { rows: number; headlines: number; model: { accuracy: number } };
      disagreeing: {
        rows: number;
        headlines: number;
        model: { accuracy: number };
        headlineBaseline: { accuracy: number };
      };
      model: string;
      encoder: string;
    };
    expect(report.overall).toMatchObject({ rows: 9, headlines: 5 });
    expect(report.disagreeing).toMatchObject({ rows: 6, headlines: 3 });
    expect(report.model).toMatch(/^entity-[0-9a-f]{12}$/);
    expect(report.encoder).toMatch(/^accurate-[0-9a-f]{12}$/);
    // One label per headline gets at most one of each disagreeing pair right; the entity model reads both.
    expect(report.disagreeing.headlineBaseline.accuracy).toBeLessThanOrEqual(0.5);
    expect(report.disagreeing.model.accuracy).toBeGreaterThan(0.8);
  }, 300_000);

  it('exits 2 naming the problem for data without entity labels', async () => {
    const plain = path.join(dir, 'plain.jsonl');
    await writeFile(plain, '{"text": "Stocks drift", "label": "neutral"}\n');
    const result = await runCli(['eval', '--entities', '--data', plain]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no entity-labelled lines/);
  });
});

describe('bellwether train-entities', () => {
  it('exits 2 when the encoder model is not an accurate model', async () => {
    const result = await runCli([
      'train-entities',
      '--data',
      data,
      '--encoder-model',
      'models/default',
      '--out',
      path.join(dir, 'out'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /models\/default.*(not an accurate model's training record|not a pretrained-encoder)/,
    );
  });
});
