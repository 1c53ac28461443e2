// The custom layers' contracts with training and serialization: each is registered under its own class name,
// models saved under an older name still load, dropout acts only in training calls (seeded, repeatable), and the
// init-seed offset a builder passes sets the initial weights.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { tinyArchitecture } from '../../test/support/tiny-architecture.ts';
import { silentLogger } from '../core/logger.ts';
import { registerAccurateLayers } from './accurate/architecture.ts';
import { buildModel } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { DropoutNoise, EncoderBlock, SeededDropout } from './layers.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';

const IDS = tf.tensor2d(
  [
    [5, 9, 14, 3, 0, 0],
    [7, 7, 21, 40, 33, 2],
  ],
  [2, 6],
);

function values(t: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[]): number[] {
  return Array.from((t as tf.Tensor).dataSync());
}

beforeAll(async () => {
  await selectBackend('wasm', silentLogger);
});

describe('issue 16.6 — each custom layer is registered under its own class name', () => {
  it('registers every Bw layer as Bw + its class name (aliases for older files aside)', () => {
    registerAccurateLayers();
    const { classNameMap } = tf.serialization.SerializationMap.getMap();
    const own = Object.entries(classNameMap).filter(
      ([name, [cls]]) =>
        name.startsWith('Bw') && (cls as { className?: string }).className === name,
    );
    expect(own.length).toBeGreaterThanOrEqual(11);
    for (const [name, [cls]] of own) expect(name).toBe(`Bw${cls.name}`);
  });

  it('loads a model saved under the old dropout name BwDropout, predicting bit-identically', async () => {
    const model = buildModel(tinyArchitecture({ dropout: 0.2 }), 0);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!saved) throw new Error('the model was not saved');
    const topology = JSON.stringify(saved.modelTopology);
    expect(topology).toContain('"class_name":"BwSeededDropout"');
    const old = topology.replaceAll('"class_name":"BwSeededDropout"', '"class_name":"BwDropout"');
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ ...saved, modelTopology: JSON.parse(old) }),
    );
    expect(loaded.getLayer('head_dropout')).toBeInstanceOf(SeededDropout);
    expect(values(loaded.predict(IDS))).toEqual(values(model.predict(IDS)));
  });

  it('a model saved under the old name BwDropout loads and scores as the same model saved as BwSeededDropout', async () => {
    // models/default was saved under the old name until the distilled fast model replaced it; trained models
    // out in users' hands still are, so the shipped model is re-saved under that name here.
    const dir = await mkdtemp(path.join(tmpdir(), 'bw-old-dropout-'));
    try {
      await cp('models/default', dir, { recursive: true });
      const json = await readFile(path.join(dir, 'model.json'), 'utf8');
      expect(json).toContain('"class_name":"BwSeededDropout"');
      await writeFile(
        path.join(dir, 'model.json'),
        json.replaceAll('"class_name":"BwSeededDropout"', '"class_name":"BwDropout"'),
      );
      const texts = [
        'Tesla ($TSLA) shares plunge 8% as recall widens',
        'Apple beats estimates and raises guidance; stock up 4.2%',
        'Acme schedules its annual shareholder meeting for May 3',
      ];
      const score = async (from: string) => {
        const loaded = await loadModelDir(from);
        const dropout = loaded.model.layers.find((l) => l.getClassName() === 'BwSeededDropout');
        expect(dropout).toBeInstanceOf(SeededDropout);
        const probs = new Predictor(
          loaded.model,
          loaded.tokenizer,
          loaded.meta.architecture.maxLen,
        ).predict(texts);
        loaded.model.dispose();
        return probs;
      };
      expect(maxAbsDiff(await score(dir), await score('models/default'))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('issue 16.6 — dropout acts only in training calls, drawing from the run’s seeded noise', () => {
  const x = tf.ones([4, 64]);
  const layer = new SeededDropout({ rate: 0.5, name: 'drop' });

  it('is the identity at inference: no call arguments, or training false', () => {
    expect(values(layer.apply(x))).toEqual(values(x));
    expect(values(layer.apply(x, { training: false, noise: new DropoutNoise(3) }))).toEqual(
      values(x),
    );
  });

  it('drops units in training; the same seed repeats the mask, the next draw and another seed do not', () => {
    const noise = new DropoutNoise(7);
    const first = values(layer.apply(x, { training: true, noise }));
    const next = values(layer.apply(x, { training: true, noise }));
    const again = values(layer.apply(x, { training: true, noise: new DropoutNoise(7) }));
    const other = values(layer.apply(x, { training: true, noise: new DropoutNoise(8) }));
    const dropped = first.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(64);
    expect(dropped).toBeLessThan(192);
    expect(first.filter((v) => v !== 0).every((v) => v === 2)).toBe(true);
    expect(again).toEqual(first);
    expect(next).not.toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('refuses a training call without noise, since an unseeded mask would make training unrepeatable', () => {
    expect(() => layer.apply(x, { training: true })).toThrow(/DropoutNoise/);
  });

  it('reaches every layer of a model through model.apply’s call arguments; predict stays deterministic', () => {
    const model = buildModel(tinyArchitecture({ dropout: 0.5 }), 0);
    const inference = values(model.predict(IDS));
    expect(values(model.apply(IDS))).toEqual(inference);
    const trained = values(model.apply(IDS, { training: true, noise: new DropoutNoise(1) }));
    const repeated = values(model.apply(IDS, { training: true, noise: new DropoutNoise(1) }));
    expect(repeated).toEqual(trained);
    expect(maxAbsDiff(Float32Array.from(trained), Float32Array.from(inference))).toBeGreaterThan(
      1e-4,
    );
    expect(values(model.predict(IDS))).toEqual(inference);
  });
});

describe('issue 16.6 — the init-seed offset is passed to each layer, not set around the build', () => {
  const blockWeights = (offset: number): number[][] => {
    const block = new EncoderBlock({ dim: 8, heads: 2, ffDim: 16 }, offset);
    block.apply([tf.ones([1, 3, 8]), tf.ones([1, 3])]);
    return block.getWeights().map(values);
  };

  it('a layer built with the same offset starts from the same weights, with another offset from others', () => {
    const one = blockWeights(1);
    expect(blockWeights(1)).toEqual(one);
    expect(blockWeights(2)).not.toEqual(one);
    expect(blockWeights(0)).not.toEqual(one);
  });

  it('ensemble members get their own offsets: every randomly initialized weight differs between members', () => {
    const arch = tinyArchitecture({ members: 2 });
    const model = buildModel(arch, 0);
    const again = buildModel(arch, 0);
    expect(again.getWeights().map(values)).toEqual(model.getWeights().map(values));
    // Weight names end in a uniqueness suffix (_1, …) when the test builds more than one model.
    const seeded = /\/(tok|pos|wqkv|wo|w1|w2|wx|wh|wp|wg|table|kernel)(_\d+)?$/;
    const names = model.layers.filter((l) => l.name.startsWith('m0_')).map((l) => l.name.slice(3));
    let compared = 0;
    for (const name of names) {
      const m0 = model.getLayer(`m0_${name}`).weights;
      const m1 = model.getLayer(`m1_${name}`).weights;
      m0.forEach((w, i) => {
        const other = m1[i];
        if (!other) throw new Error(`m1_${name} lacks weight ${i}`);
        const same =
          maxAbsDiff(
            w.read().dataSync() as Float32Array,
            other.read().dataSync() as Float32Array,
          ) === 0;
        expect(same, w.name).toBe(!seeded.test(w.name));
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(15);
  });
});
