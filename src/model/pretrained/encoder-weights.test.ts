// Checks the encoder weight format on a tiny BERT: a written encoder reads back identical, and incomplete or truncated ones are refused with the reason.
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TINY_ENCODER, tinyEncoderWeights } from '../../../test/support/tiny-encoder.ts';
import { DATA_FILE, readEncoderWeights, writeEncoderWeights } from './encoder-weights.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bw-encoder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('encoder weight format', () => {
  it('reads back every tensor bit-identical, with its config and source', async () => {
    const written = tinyEncoderWeights();
    await writeEncoderWeights(dir, written);
    const read = await readEncoderWeights(dir);
    expect(read.config).toEqual(TINY_ENCODER);
    expect(read.source).toEqual(written.source);
    expect([...read.tensors.keys()].sort()).toEqual([...written.tensors.keys()].sort());
    for (const [name, tensor] of written.tensors) {
      expect(read.tensors.get(name)?.shape).toEqual(tensor.shape);
      expect(Array.from(read.tensors.get(name)?.values ?? [])).toEqual(Array.from(tensor.values));
    }
  });

  it('refuses to write an encoder with a missing or misshapen tensor, naming each', async () => {
    const weights = tinyEncoderWeights();
    weights.tensors.delete('encoder.layer.0.output.dense.weight');
    weights.tensors.set('embeddings.LayerNorm.bias', { shape: [3], values: new Float32Array(3) });
    const error = await writeEncoderWeights(dir, weights).then(
      () => new Error('written'),
      (e: Error) => e,
    );
    expect(error.message).toContain('missing encoder.layer.0.output.dense.weight');
    expect(error.message).toContain('embeddings.LayerNorm.bias is [3], expected [4]');
  });

  it('refuses a truncated data file', async () => {
    await writeEncoderWeights(dir, tinyEncoderWeights());
    await truncate(path.join(dir, DATA_FILE), 100);
    await expect(readEncoderWeights(dir)).rejects.toThrow(/runs past the end of encoder\.bin/);
  });
});
