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
import { scoringKey, type TeacherPart, teacherProbabilities } from './teacher-probs.ts';
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

  // The defect: the cache was keyed by teacher version and texts alone, so probabilities scored on one backend
  // were read back for a run that asked for another, and its student silently came out other than the same
  // command gives on a clean machine (another version). Backends round differently, and native TensorFlow
  // differently again per CPU vector instructions, so each keeps its own entry.
  it('keeps one cache entry per backend: another backend scores afresh instead of reusing', async () => {
    const few: TeacherPart[] = [{ name: 'few', texts: ['Acme cuts its forecast'] }];
    const onWasm = await teacherProbabilities(few, options(), silentLogger);
    expect(onWasm.scored).toEqual(['few']);
    const onCpu = await teacherProbabilities(few, { ...options(), backend: 'cpu' }, silentLogger);
    expect(onCpu.scored).toEqual(['few']);
    expect(onCpu.reused).toEqual([]);
    const wasmAgain = await teacherProbabilities(few, options(), silentLogger);
    expect(wasmAgain.reused).toEqual(['few']);
    expect(Array.from(wasmAgain.probs[0] ?? [])).toEqual(Array.from(onWasm.probs[0] ?? []));
  });

  it('keys native scores by the CPU vector instructions (or their cap), other backends by name alone', () => {
    const machine = (vectorIsa: string, isaCap?: string) => ({
      cpu: 'x',
      cores: 2,
      platform: 'linux-x64',
      vectorIsa,
      ...(isaCap ? { isaCap } : {}),
    });
    expect(scoringKey('tensorflow', machine('avx512'))).toBe('tensorflow-avx512');
    expect(scoringKey('tensorflow', machine('avx2'))).toBe('tensorflow-avx2');
    expect(scoringKey('tensorflow', machine('avx512', 'AVX2'))).toBe('tensorflow-cap-avx2');
    expect(scoringKey('wasm', machine('avx512'))).toBe('wasm');
    expect(scoringKey('wasm', machine('avx2', 'AVX2'))).toBe('wasm');
  });

  it('refuses a teacher directory that holds no model', async () => {
    await expect(
      teacherProbabilities(parts, { ...options(), dir: path.join(cacheDir, 'nope') }, silentLogger),
    ).rejects.toThrow(/--teacher .*nope: not a model directory/);
  });
});
