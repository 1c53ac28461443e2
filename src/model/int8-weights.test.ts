// Issue 13 — int8 weight storage: per-column quantization within half a scale, zero and outlier columns, shapes kept; a saved int8 model predicts exactly as its dequantized weights do, and its version hashes the bytes stored.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTinyAccurate,
  TINY_ACCURATE as CFG,
  TINY_ACCURATE_META as META,
} from '../../test/support/tiny-accurate-model.ts';
import { buildAccurateModel } from './accurate/architecture.ts';
import { dequantizeColumns, quantizeColumns, storesAsInt8 } from './int8-weights.ts';
import { loadLayersFrom, readModelMeta, saveModelDir } from './model-files.ts';
import { padBatch } from './pretrained/bert-encoder.ts';
import { modelVersion } from './train-run.ts';

const TOKENIZER = { toJSON: () => ({ model: { type: 'WordPiece' } }) };
const ROWS = [
  [2, 5, 17, 3],
  [2, 40, 3],
  [2, 4, 63, 6, 8, 3],
];

function predict(model: tf.LayersModel): Float32Array {
  const { ids, shape } = padBatch(ROWS);
  return tf.tidy(
    () =>
      (
        model.predict(tf.tensor2d(Float32Array.from(ids), shape)) as tf.Tensor
      ).dataSync() as Float32Array,
  );
}

function roundTrip(values: Float32Array, shape: number[]) {
  const stored = quantizeColumns(values, shape);
  return { ...stored, back: dequantizeColumns(stored) };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bw-int8-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('issue 13 — int8 columns: symmetric, one float32 scale per output column', () => {
  it('comes back within half a scale of every value, the shape and column order kept', () => {
    const shape = [3, 50, 40];
    const values = Float32Array.from(
      { length: 6000 },
      (_, i) => Math.sin(i * 0.37) * (1 + (i % 40)),
    );
    const { q, scales, back } = roundTrip(values, shape);
    expect(q).toHaveLength(values.length);
    expect(scales).toHaveLength(40);
    expect(back).toHaveLength(values.length);
    for (const [i, v] of values.entries()) {
      const scale = scales[i % 40] ?? 0;
      expect(Math.abs((back[i] ?? 0) - v)).toBeLessThanOrEqual(scale / 2 + Math.abs(v) * 1e-6);
    }
    // Column c's scale is its own max |w| / 127, not the matrix's.
    const column7 = values.filter((_, i) => i % 40 === 7).map(Math.abs);
    expect(scales[7]).toBeCloseTo(Math.max(...column7) / 127, 6);
  });

  it('keeps an all-zero column at zero (scale 0, no NaN) beside a live one', () => {
    const values = Float32Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 0 : i / 10));
    const { q, scales, back } = roundTrip(values, [4, 2]);
    expect(scales[0]).toBe(0);
    expect(Array.from(q.filter((_, i) => i % 2 === 0))).toEqual([0, 0, 0, 0]);
    expect(Array.from(back.filter((_, i) => i % 2 === 0))).toEqual([0, 0, 0, 0]);
    expect(back[7]).toBeCloseTo(0.7, 6);
  });

  it('a column with one huge value keeps that value and coarsens only its own column', () => {
    const values = Float32Array.from({ length: 300 }, (_, i) => ((i * 7) % 11) / 100 - 0.05);
    values[3 * 3 + 1] = 1e4;
    const { q, scales, back } = roundTrip(values, [100, 3]);
    expect(q[10]).toBe(127);
    expect(back[10]).toBeCloseTo(1e4, 1);
    expect(scales[1]).toBeCloseTo(1e4 / 127, 3);
    // The other columns still resolve their small values finely.
    for (const c of [0, 2]) expect(scales[c]).toBeLessThan(0.06 / 127 + 1e-9);
    // The outlier's column rounds its small values to zero: the price of one scale per column.
    expect(back[1 + 3 * 5]).toBe(0);
  });

  it('refuses a non-finite weight and a shape that is not a matrix, by name', () => {
    expect(() => quantizeColumns(Float32Array.of(1, Number.NaN), [1, 2], 'dense/kernel')).toThrow(
      /dense\/kernel: int8 storage needs finite weights; value 1 is NaN/,
    );
    expect(() => quantizeColumns(new Float32Array(6), [6])).toThrow(/needs a matrix.*\[6\]/);
  });

  it('applies to matrices of 4,096 values or more only', () => {
    expect(storesAsInt8([64, 64])).toBe(true);
    expect(storesAsInt8([64, 63])).toBe(false);
    expect(storesAsInt8([8192])).toBe(false);
    expect(storesAsInt8([2, 32, 64])).toBe(true);
  });
});

describe('issue 13 — an int8 model directory', () => {
  it('saved and loaded predicts exactly what its dequantized weights predict, at about a quarter of the size', async () => {
    const model = buildTinyAccurate();
    const full = path.join(dir, 'full');
    const int8 = path.join(dir, 'int8');
    await saveModelDir(full, model, TOKENIZER, META);
    await saveModelDir(int8, model, TOKENIZER, META, { weights: 'int8' });
    expect((await readModelMeta(int8)).weightsDtype).toBe('int8');
    const loaded = await loadLayersFrom(int8);
    const reference = buildAccurateModel(CFG);
    reference.setWeights(
      model.weights.map((w) => {
        const values = w.read().dataSync() as Float32Array;
        const shape = w.shape as number[];
        return tf.tensor(
          storesAsInt8(shape) ? dequantizeColumns(quantizeColumns(values, shape)) : values,
          shape,
        );
      }),
    );
    expect(Array.from(predict(loaded))).toEqual(Array.from(predict(reference)));
    const fullBytes = (await stat(path.join(full, 'weights.bin'))).size;
    const int8Bytes = (await stat(path.join(int8, 'weights.bin'))).size;
    expect(int8Bytes).toBeLessThan(fullBytes * 0.35);
  });

  it("hashes the stored bytes into the version: modelVersion's digest is weights.bin's SHA-256", async () => {
    const model = buildTinyAccurate();
    for (const dtype of ['int8', 'float16', 'float32'] as const) {
      const out = path.join(dir, dtype);
      await saveModelDir(out, model, TOKENIZER, META, { weights: dtype });
      const digest = createHash('sha256')
        .update(await readFile(path.join(out, 'weights.bin')))
        .digest('hex');
      expect(modelVersion(model, out, dtype)).toBe(`${dtype}-${digest.slice(0, 12)}`);
    }
  });

  it('is refused by tfjs alone (int8 is not a dtype it decodes), and a truncated weights.bin is named', async () => {
    const model = buildTinyAccurate();
    await saveModelDir(dir, model, TOKENIZER, META, { weights: 'int8' });
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    const specs = json.weightsManifest[0].weights;
    const bin = await readFile(path.join(dir, 'weights.bin'));
    expect(() => tf.io.decodeWeights(bin.buffer.slice(0) as ArrayBuffer, specs)).toThrow(/int8/);
    await writeFile(path.join(dir, 'weights.bin'), bin.subarray(0, bin.length - 100));
    await expect(loadLayersFrom(dir)).rejects.toThrow(/weights\.bin ends inside weight/);
  });
});
