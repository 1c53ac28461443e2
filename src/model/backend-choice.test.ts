// The `auto` decision from figures alone: the fastest wins whatever the order, and a cached probe is
// reused only for the same model version on the same machine (cpu, cores, backend package versions).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedChoice } from '../../test/support/cached-choice.ts';
import {
  BUSY_LOAD_PER_CORE,
  type CachedChoice,
  describeFigures,
  type Machine,
  PROBE_METHOD,
  pickFastest,
  planBackend,
} from './backend-choice.ts';
import { currentMachine, readChoiceCache, writeChoiceCache } from './backend-choice-cache.ts';

const machine: Machine = {
  cpu: 'AMD EPYC',
  cores: 2,
  platform: 'linux-x64',
  backends: {
    '@tensorflow/tfjs-core': '4.22.0',
    '@tensorflow/tfjs-backend-wasm': '4.22.0',
    '@tensorflow/tfjs-node': 'absent',
    '@tensorflow/tfjs-node-gpu': 'absent',
  },
};

/** One-minute load per core of a machine doing little else. */
const CALM = 0.3;

function entry(overrides: Partial<CachedChoice> = {}): CachedChoice {
  return cachedChoice('default-0db0caef2882', machine, overrides);
}

describe('issue 13.7 — auto picks the faster backend, not the first that loads', () => {
  it('picks the fastest measured backend, not the first in the auto order', () => {
    // The figures measured here for the shipped model: native loads first but is slower.
    expect(pickFastest({ tensorflow: 583, wasm: 825, cpu: 21 })).toBe('wasm');
    expect(pickFastest({ tensorflow: 2400, wasm: 310, cpu: 4 })).toBe('tensorflow');
    expect(pickFastest({ cpu: 21 })).toBe('cpu');
  });

  it('breaks a tie by the auto order, and refuses to pick from no figures', () => {
    expect(pickFastest({ cpu: 500, wasm: 500 })).toBe('wasm');
    expect(pickFastest({ wasm: 500, 'tensorflow-gpu': 500, tensorflow: 500 })).toBe(
      'tensorflow-gpu',
    );
    expect(() => pickFastest({})).toThrow(/no backend was measured/);
  });

  it('describes figures fastest first', () => {
    expect(describeFigures({ tensorflow: 583.4, wasm: 825.2, cpu: 21 })).toBe(
      'wasm 825 texts/s, tensorflow 583 texts/s, cpu 21 texts/s',
    );
  });

  it('reuses a probe of the same model version on the same machine', () => {
    const cached = entry();
    expect(planBackend('default-0db0caef2882', { ...machine }, CALM, cached)).toEqual({
      kind: 'cached',
      entry: cached,
    });
  });

  it('probes when nothing is cached or the model version changed', () => {
    expect(planBackend('default-0db0caef2882', machine, CALM, undefined)).toEqual({
      kind: 'probe',
      reason: 'no probe cached for default-0db0caef2882',
    });
    expect(planBackend('next-1234', machine, CALM, entry())).toEqual({
      kind: 'probe',
      reason: 'model default-0db0caef2882 → next-1234',
    });
  });

  it('probes again when the probe itself measures differently now', () => {
    expect(
      planBackend('default-0db0caef2882', machine, CALM, entry({ probe: 'batch-32' })),
    ).toEqual({
      kind: 'probe',
      reason: `probe method batch-32 → ${PROBE_METHOD}`,
    });
  });

  it('keeps a probe made on a busy machine only until a start finds the machine calm', () => {
    const busy = BUSY_LOAD_PER_CORE + 3;
    const underLoad = entry({ loadPerCore: busy });
    const plan = (now: number) => planBackend('default-0db0caef2882', machine, now, underLoad);
    expect(plan(busy)).toEqual({ kind: 'cached', entry: underLoad });
    expect(plan(CALM)).toEqual({
      kind: 'probe',
      reason: `the cached probe ran under load ${busy} per core, this start sees ${CALM}`,
    });
    // A calm probe stays, however busy a later start is.
    const calm = entry({ loadPerCore: CALM });
    expect(planBackend('default-0db0caef2882', machine, busy, calm)).toEqual({
      kind: 'cached',
      entry: calm,
    });
  });

  it('probes again when the machine changed: cores, cpu, or a backend provisioned or upgraded', () => {
    const plan = (now: Machine) => planBackend('default-0db0caef2882', now, CALM, entry());
    expect(plan({ ...machine, cores: 16 })).toEqual({
      kind: 'probe',
      reason: 'machine changed: cores 2 → 16',
    });
    expect(plan({ ...machine, cpu: 'Intel Xeon' })).toEqual({
      kind: 'probe',
      reason: 'machine changed: cpu AMD EPYC → Intel Xeon',
    });
    // `npm run setup:native` after the probe: the native backend was never measured.
    const provisioned = {
      ...machine,
      backends: { ...machine.backends, '@tensorflow/tfjs-node': '4.22.0' },
    };
    expect(plan(provisioned)).toEqual({
      kind: 'probe',
      reason: 'machine changed: @tensorflow/tfjs-node absent → 4.22.0',
    });
  });
});

describe('backend probe cache file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-choice-cache-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing, without a problem, before the first probe', async () => {
    expect(await readChoiceCache(path.join(dir, 'never-written'))).toEqual({ entries: {} });
  });

  it('keeps one entry per model version and reads back what it wrote', async () => {
    const own = path.join(dir, 'roundtrip');
    const first = entry();
    await writeChoiceCache(own, {}, first);
    const other = entry({
      modelVersion: 'next-1234',
      backend: 'tensorflow',
      figures: { tensorflow: 2400, wasm: 310 },
      measuredAt: '2026-12-04T11:00:00.000Z',
    });
    await writeChoiceCache(own, (await readChoiceCache(own)).entries, other);
    expect(await readChoiceCache(own)).toEqual({
      entries: { [first.modelVersion]: first, [other.modelVersion]: other },
    });
  });

  it('reports a damaged file and its path instead of trusting it', async () => {
    const own = path.join(dir, 'damaged');
    await writeChoiceCache(own, {}, entry());
    const file = path.join(own, 'backend-choice.json');
    await writeFile(file, '{"default-0db0caef2882": {"backend": "wa');
    const broken = await readChoiceCache(own);
    expect(broken.entries).toEqual({});
    expect(broken.problem).toMatch(/backend-choice\.json is not JSON/);
    await writeFile(file, JSON.stringify({ x: { ...entry(), backend: 'tpu' } }));
    const wrong = await readChoiceCache(own);
    expect(wrong.entries).toEqual({});
    expect(wrong.problem).toMatch(/unexpected shape at x\.backend/);
    // Rewriting after a probe replaces the damaged file with a valid one.
    await writeChoiceCache(own, wrong.entries, entry());
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ [entry().modelVersion]: entry() });
  });
});

describe('this machine', () => {
  it('is fingerprinted by cpu, cores, platform and installed backend versions', () => {
    const now = currentMachine();
    expect(now.cores).toBe(availableParallelism());
    expect(now.platform).toBe(`${process.platform}-${process.arch}`);
    expect(now.cpu.length).toBeGreaterThan(0);
    expect(now.backends['@tensorflow/tfjs-core']).toBe(tf.version_core);
    const require = createRequire(import.meta.url);
    let native = 'absent';
    try {
      native = (require('@tensorflow/tfjs-node/package.json') as { version: string }).version;
    } catch {
      // not provisioned on this machine
    }
    expect(now.backends['@tensorflow/tfjs-node']).toBe(native);
  });
});
