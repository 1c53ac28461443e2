// A student distilled on a different validation split from its teacher's is validated on texts the teacher
// trained on, so its figures read high and nothing says so. The defect: `train --teacher … --seed 7` ran, and
// its card reported those inflated figures. The check refuses such a split and names the flags that fix it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.ts';
import { loadSplit } from '../train-run.ts';
import { checkTeacherSplit } from './teacher-split.ts';

const LABELS = ['negative', 'neutral', 'positive'];

describe('issue 13 — a distilled student never validates on its teacher’s training texts', () => {
  let root: string;
  let fileA: string;
  let fileB: string;
  let teacher: string;

  async function writeData(file: string, tag: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const rows = ['text,label'];
    for (let i = 0; i < 90; i++) rows.push(`${tag} headline number ${i},${LABELS[i % 3]}`);
    // The same text under every label, as real data has: one copy may train and another validate, in the
    // teacher's split and the student's alike, which is no leak.
    for (let i = 0; i < 10; i++) {
      for (const label of LABELS) rows.push(`${tag} shares move ${i},${label}`);
    }
    await writeFile(file, `${rows.join('\n')}\n`);
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'bw-teacher-split-'));
    fileA = path.join(root, 'alpha', 'train.csv');
    fileB = path.join(root, 'beta', 'train.csv');
    await writeData(fileA, 'alpha');
    await writeData(fileB, 'beta');
    teacher = path.join(root, 'teacher');
    await mkdir(teacher);
    await writeFile(
      path.join(teacher, 'training.json'),
      JSON.stringify({
        data: ['alpha/train.csv'],
        split: { seed: 42, fraction: 0.2, labelOptions: { synonyms: false } },
      }),
    );
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  const student = async (data: string[], seed: number, fraction: number) => ({
    data,
    labelOptions: {},
    ...(await loadSplit(data, {}, fraction, seed)),
  });

  it('refuses a split seed other than the teacher’s on the same data, naming the flags', async () => {
    const error = await checkTeacherSplit(teacher, await student([fileA], 7, 0.2)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /of the \d+ validation texts, \d+ are texts the teacher/,
    );
    expect((error as Error).message).toContain('--split-seed 42 --val-fraction 0.2');
  });

  it('refuses a larger validation share than the teacher held out', async () => {
    await expect(checkTeacherSplit(teacher, await student([fileA], 42, 0.3))).rejects.toThrow(
      UsageError,
    );
  });

  it('accepts the teacher’s own split, also with more data beside it', async () => {
    const own = await student([fileA], 42, 0.2);
    const trained = new Set(own.train.map((e) => e.text));
    // The duplicates put some validation texts among the training texts of this very split.
    expect(own.validation.filter((e) => trained.has(e.text)).length).toBeGreaterThan(0);
    await expect(checkTeacherSplit(teacher, own)).resolves.toBeUndefined();
    // Stratified by source × label, so adding another source leaves alpha's validation texts as they were.
    await expect(
      checkTeacherSplit(teacher, await student([fileA, fileB], 42, 0.2)),
    ).resolves.toBeUndefined();
  });

  it('accepts data the teacher never read, whatever its split', async () => {
    await expect(
      checkTeacherSplit(teacher, await student([fileB], 7, 0.3)),
    ).resolves.toBeUndefined();
  });

  it('says nothing is known when the teacher has no training record', async () => {
    const bare = path.join(root, 'bare');
    await mkdir(bare, { recursive: true });
    await expect(checkTeacherSplit(bare, await student([fileA], 7, 0.2))).resolves.toBeUndefined();
  });
});
