// Teacher probabilities for distillation with the shipped model as a small real teacher: scored in batches with
// progress, cached per teacher version and text set, read back (not re-scored) on the next run, re-scored when the
// texts or the cache file change, and a directory that is no model refused.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/capture-logger.ts';
import { repoRoot } from '../../../test/support/cli.ts';
import { silentLogger } from '../../core/logger.ts';
import { type TeacherPart, teacherProbabilities } from './teacher-probs.ts';
import { readTransferTexts } from './transfer-texts.ts';

const TEACHER = path.join(repoRoot, 'models/default');

describe('issue 13.5 — teacher probabilities are computed once and cached', () => {
  let cacheDir: string;
  let parts: TeacherPart[];

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'bw-teacher-'));
    const titles = await readTransferTexts(
      path.join(repoRoot, 'fixtures/streams/demo/tapefeed.jsonl'),
    );
    parts = [
      { name: 'training texts', texts: titles.slice(0, 300) },
      { name: 'transfer', texts: ['Acme plunges after a profit warning', 'Acme beats estimates'] },
    ];
  });

  afterAll(async () => {
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  const options = (onProgress?: (done: number, total: number) => void) => ({
    dir: TEACHER,
    backend: 'wasm' as const,
    cacheDir,
    ...(onProgress ? { onProgress } : {}),
  });

  it('scores every part in batches with progress, and a second run reads the cache without re-scoring', async () => {
    const progress: Array<[number, number]> = [];
    const first = await teacherProbabilities(
      parts,
      options((done, total) => progress.push([done, total])),
      silentLogger,
    );
    expect(first.version).toMatch(/^default-/);
    expect(first.scored).toEqual(['training texts', 'transfer']);
    expect(progress).toEqual([
      [256, 302],
      [300, 302],
      [302, 302],
    ]);
    const [train, transfer] = first.probs;
    expect(train).toHaveLength(900);
    for (let r = 0; r < 300; r++) {
      expect(
        (train?.[r * 3] ?? 0) + (train?.[r * 3 + 1] ?? 0) + (train?.[r * 3 + 2] ?? 0),
      ).toBeCloseTo(1, 5);
    }
    // The teacher reads the two transfer texts the way their words say.
    expect(transfer?.[0]).toBeGreaterThan(0.5);
    expect(transfer?.[5]).toBeGreaterThan(0.5);

    const { logger, lines } = captureLogger('info');
    const second = await teacherProbabilities(parts, options(), logger);
    expect(second.reused).toEqual(['training texts', 'transfer']);
    expect(second.scored).toEqual([]);
    expect(second.probs.map((p) => Array.from(p))).toEqual(first.probs.map((p) => Array.from(p)));
    expect(lines.filter((l) => l.msg.includes('reused from the cache'))).toHaveLength(2);
    expect(lines.some((l) => /teacher scored|sentiment model|tfjs backend/.test(l.msg))).toBe(
      false,
    );
  });

  it('re-scores only the part whose texts changed, and a damaged cache file', async () => {
    const changed = [
      parts[0] as TeacherPart,
      { name: 'transfer', texts: ['Acme holds its meeting'] },
    ];
    const again = await teacherProbabilities(changed, options(), silentLogger);
    expect(again.reused).toEqual(['training texts']);
    expect(again.scored).toEqual(['transfer']);

    const files = await readdir(path.join(cacheDir, 'teacher-probs'));
    expect(files).toHaveLength(3);
    for (const file of files) await writeFile(path.join(cacheDir, 'teacher-probs', file), '{"half');
    const { logger, lines } = captureLogger('info');
    const rescored = await teacherProbabilities(changed, options(), logger);
    expect(rescored.scored).toEqual(['training texts', 'transfer']);
    expect(lines.filter((l) => l.msg.includes('does not match its texts'))).toHaveLength(2);
  });

  it('refuses a teacher directory that holds no model', async () => {
    await expect(
      teacherProbabilities(parts, { ...options(), dir: path.join(cacheDir, 'nope') }, silentLogger),
    ).rejects.toThrow(/--teacher .*nope: not a model directory/);
  });
});
