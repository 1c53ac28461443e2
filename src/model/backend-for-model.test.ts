// `auto` on the real shipped model and the real backends (wasm and cpu always; native TensorFlow when
// `npm run setup:native` provisioned it): every backend that loads is timed, the fastest stays active,
// the figures are logged once, and the decision is cached per model version and machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedChoice } from '../../test/support/cached-choice.ts';
import { captureLogger, type LogLine } from '../../test/support/capture-logger.ts';
import { BUSY_LOAD_PER_CORE, type CachedChoice } from './backend-choice.ts';
import { currentMachine, readChoiceCache, writeChoiceCache } from './backend-choice-cache.ts';
import { selectBackendForModel } from './backend-for-model.ts';
import { readModelMeta } from './model-files.ts';
import { loadNativeBackend } from './native-backend.ts';
import { loadScorer } from './scorer.ts';

const MODEL = 'models/default';
const native = await loadNativeBackend('tensorflow');
const version = (await readModelMeta(MODEL)).version;

const dirs: string[] = [];
async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bw-backend-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type ProbeLine = LogLine & {
  figures: Record<string, number>;
  backend: string;
  loadPerCore?: number;
};

/** The lines that report figures (measured now or cached) and the choice. */
function probeLines(lines: readonly LogLine[]): ProbeLine[] {
  return lines.filter((line): line is ProbeLine => line.figures !== undefined);
}

function fastest(figures: Record<string, number>): string {
  const ranked = Object.entries(figures).sort((a, b) => b[1] - a[1]);
  return ranked[0]?.[0] ?? 'none';
}

function cachedEntry(overrides: Partial<CachedChoice>): CachedChoice {
  return cachedChoice(version, currentMachine(), overrides);
}

describe('issue 13.7 — auto picks the faster backend, not the first that loads', () => {
  it('times the shipped model on every backend that loads, keeps the fastest active and logs the figures', async () => {
    const dir = await cacheDir();
    const { logger, lines } = captureLogger();
    const started = performance.now();
    const scorer = await loadScorer(
      { path: MODEL, backend: 'auto', workers: 0, cacheDir: dir },
      logger,
    );
    const seconds = (performance.now() - started) / 1000;
    try {
      const probes = probeLines(lines);
      expect(probes, 'one info line with the probe figures').toHaveLength(1);
      const line = probes[0] as ProbeLine;
      expect(line.level).toBe(30);
      const measured = Object.keys(line.figures).sort();
      expect(measured).toEqual(native.ok ? ['cpu', 'tensorflow', 'wasm'] : ['cpu', 'wasm']);
      for (const value of Object.values(line.figures)) expect(value).toBeGreaterThan(0);
      // Pure JS is an order of magnitude behind wasm on this model: a probe that cannot tell is broken.
      expect(line.figures.wasm).toBeGreaterThan(2 * (line.figures.cpu ?? 0));
      expect(line.backend).toBe(fastest(line.figures));
      expect(scorer.backend).toBe(line.backend);
      expect(tf.getBackend()).toBe(line.backend);
      expect(line.msg).toContain(`tfjs backend: ${line.backend} (auto, measured `);
      // The losers' instances are gone (wasm's heap with them); they stay registered to start again.
      expect(Object.keys(tf.engine().registry)).toEqual([line.backend]);
      for (const other of measured) expect(tf.findBackendFactory(other)).not.toBeNull();
      if (!native.ok) {
        const skip = lines.find((l) => l.msg.startsWith('skipped tensorflow:'));
        expect(skip?.msg).toContain(native.reason);
      }
      // Cached for the next start, with the load it was measured under.
      const cached = (await readChoiceCache(dir)).entries[version];
      expect(cached?.figures).toEqual(line.figures);
      expect(cached?.backend).toBe(line.backend);
      expect(cached?.loadPerCore).toBe(line.loadPerCore);
      const busyNote = lines.some((l) => l.msg.startsWith('backend probe ran under load'));
      expect(busyNote).toBe((line.loadPerCore ?? 0) > BUSY_LOAD_PER_CORE);
      // Backends' own start-up included; generous, as other work may share the machine.
      expect(seconds).toBeLessThan(30);
      expect(await scorer.scoreBatch(['Tesla shares plunge as recall widens'])).toHaveLength(3);
    } finally {
      await scorer.close();
    }
  });

  it('a later start takes the cached decision without probing and hands it to the workers', async () => {
    const dir = await cacheDir();
    // Figures no probe here would produce: seeing them back proves nothing was measured.
    // Measured calm, so reused whatever the load of this start.
    const entry = cachedEntry({
      figures: { wasm: 777.7, cpu: 1.5 },
      backend: 'wasm',
      loadPerCore: 0,
    });
    await writeChoiceCache(dir, {}, entry);
    const { logger, lines } = captureLogger();
    const scorer = await loadScorer(
      { path: MODEL, backend: 'auto', workers: 2, cacheDir: dir },
      logger,
    );
    try {
      const probes = probeLines(lines);
      expect(probes).toHaveLength(1);
      expect(probes[0]?.figures).toEqual(entry.figures);
      expect(probes[0]?.msg).toBe(
        `tfjs backend: wasm (auto, probed ${entry.measuredAt}: wasm 778 texts/s, cpu 2 texts/s)`,
      );
      expect(lines.filter((l) => l.msg.startsWith('skipped '))).toEqual([]);
      expect(scorer.backend).toBe('wasm');
      const probs = await scorer.scoreBatch(['Apple beats estimates', 'Tesla recall widens']);
      expect(probs).toHaveLength(6);
    } finally {
      await scorer.close();
    }
  });

  it('measures again when the cached probe ran on another machine', async () => {
    const dir = await cacheDir();
    const elsewhere = { ...currentMachine(), cores: currentMachine().cores + 62 };
    await writeChoiceCache(
      dir,
      {},
      cachedEntry({ machine: elsewhere, figures: { cpu: 99_999 }, backend: 'cpu' }),
    );
    const { logger, lines } = captureLogger();
    const selection = await selectBackendForModel(
      { choice: 'auto', modelPath: MODEL, cacheDir: dir },
      logger,
    );
    expect(lines.map((l) => l.msg)).toContain(
      `probing backends: machine changed: cores ${elsewhere.cores} → ${currentMachine().cores}`,
    );
    expect(selection.figures?.cpu).not.toBe(99_999);
    expect(selection.figures?.wasm).toBeGreaterThan(0);
    expect(selection.backend).toBe(fastest(selection.figures ?? {}));
  });

  it('uses a pinned backend as configured: no probe, and the cache is neither read nor written', async () => {
    const dir = await cacheDir();
    await writeChoiceCache(dir, {}, cachedEntry({ backend: 'wasm' }));
    const { logger, lines } = captureLogger();
    const selection = await selectBackendForModel(
      { choice: 'cpu', modelPath: MODEL, cacheDir: dir },
      logger,
    );
    expect(selection.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(probeLines(lines)).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual(['tfjs backend: cpu']);
    expect((await readChoiceCache(dir)).entries[version]).toEqual(cachedEntry({ backend: 'wasm' }));
  });
});
