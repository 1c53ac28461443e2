// Reading an accurate model's training.json: a record that is not one is named with what it lacks, and an older record without the command takes it from its card's "Reproduce:" line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTrainingRecord } from './training-record.ts';

const RECORD = {
  data: ['a/train.csv'],
  split: { seed: 42, fraction: 0.15, train: 10, validation: 2, labelOptions: {} },
  encoder: { id: 'tiny', package: 'g:a:1', sha256: 'ab', dequantized: false },
  fineTune: { epochs: 1 },
  validation: { n: 2, accuracy: 1, macroF1: 1 },
  history: [],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bw-record-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTrainingRecord', () => {
  it("takes an older record's training command from its card", async () => {
    await writeFile(path.join(dir, 'training.json'), JSON.stringify(RECORD));
    await writeFile(
      path.join(dir, 'card.md'),
      '# x\n\nReproduce: `bellwether train --arch accurate --out /tmp/x`\n',
    );
    expect((await readTrainingRecord(dir)).command).toBe(
      'bellwether train --arch accurate --out /tmp/x',
    );
  });

  it('names what a record lacks, and a missing file', async () => {
    await expect(readTrainingRecord(dir)).rejects.toThrow(/cannot read .*training\.json/);
    const { encoder: _, history: __, ...partial } = RECORD;
    await writeFile(path.join(dir, 'training.json'), JSON.stringify(partial));
    await expect(readTrainingRecord(dir)).rejects.toThrow(
      /not an accurate model's training record: no encoder, history/,
    );
  });
});
