// Ensembles in one model file: members start from different weights, the merged model averages their
// probabilities, and `members: 2` training keeps each member's own metrics and saves/loads back intact.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyArchitecture } from '../../test/support/tiny-architecture.ts';
import { silentLogger } from '../core/logger.ts';
import { buildModel, LABELS, mergeMembers } from './architecture.ts';
import { selectBackend } from './backend.ts';
import type { Example } from './dataset.ts';
import { loadModelDir, saveModelDir } from './model-files.ts';
import { type TrainResult, trainModel } from './trainer.ts';

const ARCH = tinyArchitecture();

const IDS = tf.tensor2d(
  [
    [5, 9, 14, 3, 0, 0],
    [7, 7, 21, 40, 33, 2],
    [11, 0, 0, 0, 0, 0],
  ],
  [3, 6],
);

function predict(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(IDS) as tf.Tensor).dataSync() as Float32Array);
}

describe('ensemble model', () => {
  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
  });

  it('builds reproducibly per init seed, and different seeds start apart', () => {
    const a = predict(buildModel(ARCH, 0));
    const again = predict(buildModel(ARCH, 0));
    const b = predict(buildModel(ARCH, 1));
    expect(Array.from(again)).toEqual(Array.from(a));
    const gap = a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] ?? 0))), 0);
    expect(gap).toBeGreaterThan(1e-4);
  });

  it('merges trained networks into one model that averages their probabilities', () => {
    const networks = [buildModel(ARCH, 0), buildModel(ARCH, 1), buildModel(ARCH, 2)];
    const each = networks.map(predict);
    const merged = mergeMembers(ARCH, networks);
    expect(merged.countParams()).toBe(3 * (networks[0]?.countParams() ?? 0));
    const mean = predict(merged);
    for (let i = 0; i < mean.length; i++) {
      const expected = each.reduce((sum, p) => sum + (p[i] ?? 0), 0) / each.length;
      expect(mean[i]).toBeCloseTo(expected, 6);
    }
  });
});

describe('training an ensemble of two', () => {
  let result: TrainResult;
  let dir: string;
  const examples = (n: number, offset: number): Example[] =>
    Array.from({ length: n }, (_, i) => {
      const label = LABELS[(i + offset) % 3] ?? 'neutral';
      const cue = { negative: 'plunges', neutral: 'schedules', positive: 'soars' }[label];
      return { text: `acme ${cue} shares today ${i % 5}`, label, source: 'generated' };
    });

  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
    dir = await mkdtemp(path.join(tmpdir(), 'bw-ensemble-'));
    result = await trainModel(examples(90, 0), examples(30, 1), {
      architecture: { ...ARCH, dropout: 0.1 },
      vocabSize: 60,
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      patience: 2,
      labelSmoothing: 0,
      classWeightPower: 0,
      seed: 3,
      members: 2,
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports each member and records the ensemble in the architecture', () => {
    expect(result.architecture.members).toBe(2);
    expect(result.memberMetrics).toHaveLength(2);
    expect(result.bestEpochs).toHaveLength(2);
    expect(new Set(result.history.map((h) => h.member))).toEqual(new Set([1, 2]));
    expect(result.validation.n).toBe(30);
  });

  it('saves and loads back with identical predictions', async () => {
    await saveModelDir(dir, result.model, result.tokenizer, {
      version: 'ensemble-test',
      labels: LABELS,
      architecture: result.architecture,
      createdAt: 'now',
    });
    const loaded = await loadModelDir(dir);
    expect(Array.from(predict(loaded.model))).toEqual(Array.from(predict(result.model)));
    loaded.model.dispose();
  });
});
