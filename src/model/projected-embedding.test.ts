// --embed-project: the token table trained as frozen pretrained vectors through a learned projection plus a
// learned correction, folded into one plain table at the end. Training leaves the vectors as they were and
// moves the projection; the folded model predicts what the trained one did; a trained student comes back as
// the plain hybrid, which saves and loads like any other.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTaskOptions, generateTask } from '../../test/support/generated-task.ts';
import { tinyArchitecture } from '../../test/support/tiny-architecture.ts';
import { silentLogger } from '../core/logger.ts';
import { seededRandom } from '../core/random.ts';
import { buildModel, LABELS } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { DropoutNoise } from './layers.ts';
import { loadModelDir, saveModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import {
  foldProjectedEmbedding,
  type ProjectedEmbeddingInit,
  ProjectedTokenEmbedding,
  projectedEmbedding,
} from './projected-embedding.ts';
import { trainModel } from './trainer.ts';

const CFG = tinyArchitecture({ vocabSize: 30, dropout: 0.1, ngramBuckets: 16, lexicon: true });

function randomInit(vocab: number, width: number, dim: number, seed: number) {
  const random = seededRandom(seed);
  const values = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
  const vectors = values(vocab * width);
  vectors.fill(0, 0, width); // <pad> has no vector
  return { width, vectors, projection: values(width * dim).map((v) => v * 0.2) };
}

describe('issue 13 — a projected embedding trains behind frozen vectors and folds into the plain hybrid', () => {
  let dir: string;

  beforeAll(async () => {
    await selectBackend('cpu', silentLogger);
    dir = await mkdtemp(path.join(tmpdir(), 'bw-projected-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('moves the projection and correction, never the frozen vectors, and folds to the same predictions', () => {
    const init = randomInit(CFG.vocabSize, 6, CFG.dim, 3);
    const model = buildModel(CFG, 0, undefined, projectedEmbedding(init));
    const embed = model.getLayer('embed');
    expect(embed).toBeInstanceOf(ProjectedTokenEmbedding);
    const weightValues = (suffix: string) =>
      embed.weights
        .find((w) => w.name.endsWith(suffix))
        ?.read()
        .dataSync()
        .slice() as Float32Array;
    const projectionBefore = weightValues('projection');
    const random = seededRandom(5);
    const ids = tf.tensor2d(
      Array.from({ length: 6 * 7 }, (_, i) =>
        i % 7 < 5 ? 1 + Math.floor(random() * (CFG.vocabSize - 1)) : 0,
      ),
      [6, 7],
    );
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 3; step++) {
      optimizer.minimize(() => {
        const probs = model.apply(ids, {
          training: true,
          noise: new DropoutNoise(step),
        }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(ys, tf.log(tf.add(probs, 1e-7))) as tf.Scalar;
      });
    }
    expect(Array.from(weightValues('vectors'))).toEqual(Array.from(init.vectors));
    expect(Array.from(weightValues('projection'))).not.toEqual(Array.from(projectionBefore));
    expect(weightValues('correction').some((v) => v !== 0)).toBe(true);

    const plain = foldProjectedEmbedding(model, CFG, 0);
    expect(plain.layers.some((l) => l instanceof ProjectedTokenEmbedding)).toBe(false);
    const trained = (model.predict(ids) as tf.Tensor).arraySync() as number[][];
    const folded = (plain.predict(ids) as tf.Tensor).arraySync() as number[][];
    const pairs = trained.flatMap((row, i) => row.map((p, c) => [p, folded[i]?.[c] ?? NaN]));
    for (const [p, q] of pairs) expect(q).toBeCloseTo(p ?? NaN, 5);
    for (const t of [ids, ys]) t.dispose();
    optimizer.dispose();
    model.dispose();
    plain.dispose();
  });

  it('trains a student that comes back plain, learns the task and saves and loads bit-identically', async () => {
    const width = 6;
    const result = await trainModel(
      generateTask(240, 1),
      generateTask(90, 2),
      generatedTaskOptions({
        architecture: { ...generatedTaskOptions().architecture, lexicon: true },
        embedProject: (vocab, dim): ProjectedEmbeddingInit =>
          randomInit(vocab.length, width, dim, 11),
      }),
    );
    expect(result.model.layers.some((l) => l instanceof ProjectedTokenEmbedding)).toBe(false);
    expect(result.validation.accuracy).toBeGreaterThan(0.8);
    const meta = {
      version: 'test-projected',
      labels: LABELS,
      architecture: result.architecture,
      createdAt: 'now',
    };
    await saveModelDir(dir, result.model, result.tokenizer, meta);
    const loaded = await loadModelDir(dir);
    const texts = generateTask(20, 3).map((e) => e.text);
    const before = new Predictor(result.model, result.tokenizer, 16).predict(texts);
    const after = new Predictor(
      loaded.model,
      loaded.tokenizer as typeof result.tokenizer,
      16,
    ).predict(texts);
    expect(Array.from(after)).toEqual(Array.from(before));
  });
});
