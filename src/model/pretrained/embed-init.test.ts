// Student embeddings from a pretrained encoder's: the PCA projection on a tiny matrix (a plane in 5-D keeps its
// geometry), the token → text mapping, the averaging of WordPiece rows, and, where the encoder is provisioned, the
// table it gives a small vocabulary.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pretrainedOrSkip } from '../../../test/support/pretrained.ts';
import { silentLogger } from '../../core/logger.ts';
import { selectBackend } from '../backend.ts';
import {
  meanWordPieceRows,
  pcaProject,
  pcaProjectionInit,
  pretrainedEmbeddingInit,
  tokenText,
} from './embed-init.ts';

const distance = (m: Float32Array, k: number, a: number, b: number) =>
  Math.hypot(...Array.from({ length: k }, (_, c) => (m[a * k + c] ?? 0) - (m[b * k + c] ?? 0)));

describe('issue 13.5 — --embed-init: PCA of the averaged pretrained rows', () => {
  beforeAll(async () => {
    await selectBackend('cpu', silentLogger);
  });

  it('projects points on a plane in 5-D to 2-D keeping their distances up to one scale, absent rows at 0', () => {
    // Orthonormal u, v span the plane; an offset moves it off the origin; row 3 is absent.
    const u = [0.6, 0.8, 0, 0, 0];
    const v = [0, 0, 0.6, 0, 0.8];
    const offset = [1, -2, 3, 0.5, 0];
    const coords = [
      [0, 0],
      [3, 0],
      [0, 1],
      [9, 9],
      [-2, 4],
      [1, -3],
    ];
    const rows = new Float32Array(
      coords.flatMap(([a = 0, b = 0]) =>
        offset.map((o, c) => o + a * (u[c] ?? 0) + b * (v[c] ?? 0)),
      ),
    );
    const present = [true, true, true, false, true, true];
    const out = pcaProject(rows, 6, 5, 2, present, 0.05);
    expect(Array.from(out.subarray(6, 8))).toEqual([0, 0]);
    const kept = [0, 1, 2, 4, 5];
    const ratios = kept.flatMap((a) =>
      kept
        .filter((b) => b > a)
        .map((b) => {
          const [xa = 0, ya = 0] = coords[a] ?? [];
          const [xb = 0, yb = 0] = coords[b] ?? [];
          return distance(out, 2, a, b) / Math.hypot(xa - xb, ya - yb);
        }),
    );
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0] ?? 0, 4);
    const keptValues = kept.flatMap((i) => [out[i * 2] ?? 0, out[i * 2 + 1] ?? 0]);
    const rms = Math.sqrt(keptValues.reduce((s, x) => s + x * x, 0) / keptValues.length);
    expect(rms).toBeCloseTo(0.05, 5);
    // The first component carries the most variance.
    const variance = (c: number) => kept.reduce((s, i) => s + (out[i * 2 + c] ?? 0) ** 2, 0);
    expect(variance(0)).toBeGreaterThan(variance(1));
    // The projected embedding's start: the centred rows at full width (absent rows 0) times the scaled
    // directions give the same table.
    const init = pcaProjectionInit(rows, { n: 6, d: 5, k: 2 }, present);
    expect(init.width).toBe(5);
    expect(Array.from(init.vectors.subarray(15, 20))).toEqual([0, 0, 0, 0, 0]);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 2; j++) {
        let sum = 0;
        for (let c = 0; c < 5; c++) {
          sum += (init.vectors[i * 5 + c] ?? 0) * (init.projection[c * 2 + j] ?? 0);
        }
        expect(sum).toBeCloseTo(out[i * 2 + j] ?? NaN, 6);
      }
    }
  });

  it('refuses a projection wider than its rows allow', () => {
    expect(() => pcaProject(new Float32Array(6), 3, 2, 3, [true, true, true])).toThrow(/PCA to 3/);
  });

  it('reads student tokens as text and averages their WordPiece rows', () => {
    expect(
      ['revenue</w>', 'stri', '<cashtag></w>', '<pct-></w>', '<pad>', '<unk>'].map(tokenText),
    ).toEqual(['revenue', 'stri', 'stock ticker', 'down percent', '', '']);
    const table = new Float32Array([0, 0, 1, 2, 3, 4, 10, 20]);
    const pieces: Record<string, number[]> = { ab: [1, 2], c: [3] };
    const { rows, present } = meanWordPieceRows(
      ['<pad>', 'ab</w>', 'c'],
      (text) => pieces[text] ?? [],
      table,
      2,
    );
    expect(Array.from(rows)).toEqual([0, 0, 2, 3, 10, 20]);
    expect(present).toEqual([false, true, true]);
  });

  describe('from the provisioned MiniLM', () => {
    const found = pretrainedOrSkip('all-minilm-l6-v2');
    if (!found.ok) return;

    it('gives related words nearer embeddings than unrelated ones', async () => {
      const init = await pretrainedEmbeddingInit('all-minilm-l6-v2');
      const vocab = [
        '<pad>',
        '<unk>',
        ...'profit profits loss losses gain gains tuesday monday shares stock bank banks surge plunge rally slump'
          .split(' ')
          .map((w) => `${w}</w>`),
      ];
      const table = init.table(vocab, 4);
      expect(table).toHaveLength(vocab.length * 4);
      expect(Array.from(table.subarray(0, 8))).toEqual(Array(8).fill(0));
      const cosine = (a: string, b: string) =>
        tf.tidy(() => {
          const row = (w: string) =>
            tf.tensor1d(
              table.subarray(vocab.indexOf(`${w}</w>`) * 4, vocab.indexOf(`${w}</w>`) * 4 + 4),
            );
          const [x, y] = [row(a), row(b)];
          return tf.div(tf.sum(tf.mul(x, y)), tf.mul(tf.norm(x), tf.norm(y))).dataSync()[0] ?? 0;
        });
      expect(cosine('tuesday', 'monday')).toBeGreaterThan(cosine('tuesday', 'profits'));
      expect(cosine('banks', 'bank')).toBeGreaterThan(cosine('banks', 'monday'));
      // --embed-project starts where --embed-init does: frozen rows · projection = the PCA table.
      const projected = init.projected(vocab, 4);
      expect(projected.width).toBe(384);
      const start = tf.tidy(() =>
        tf
          .matMul(
            tf.tensor2d(projected.vectors, [vocab.length, 384]),
            tf.tensor2d(projected.projection, [384, 4]),
          )
          .dataSync(),
      );
      start.forEach((v, i) => {
        expect(v).toBeCloseTo(table[i] ?? NaN, 6);
      });
    });
  });
});
