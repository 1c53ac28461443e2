/**
 * Runs the accurate model's fine-tuned encoder alone (its embeddings and BERT blocks up to `blocks`, not its
 * own BiLSTM and head) and returns each text's token states there: what the entity head reads.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type AccurateConfig,
  EMBEDDINGS_LAYER,
  encoderLayerName,
} from '../accurate/architecture.ts';

/** One text's states: `length` framed tokens × `hidden`, row-major. */
export interface TextStates {
  length: number;
  states: Float32Array;
}

export class EncoderStates {
  readonly hidden: number;

  /** `blocks` encoder layers run (default all): the head runs the rest. */
  constructor(
    private readonly model: tf.LayersModel,
    cfg: AccurateConfig,
    readonly blocks = cfg.encoder.layers,
  ) {
    this.hidden = cfg.encoder.hidden;
  }

  /** States of framed id rows ([CLS] … [SEP]) as a padded [B, T, D] tensor; the caller disposes it. */
  encodeBatch(rows: readonly number[][]): tf.Tensor3D {
    return tf.tidy(() => {
      const t = Math.max(1, ...rows.map((r) => r.length));
      const flat = new Float32Array(rows.length * t);
      rows.forEach((row, i) => {
        flat.set(row, i * t);
      });
      const ids = tf.tensor2d(flat, [rows.length, t]);
      let x = this.model.getLayer(EMBEDDINGS_LAYER).apply(ids) as tf.Tensor;
      for (let i = 0; i < this.blocks; i++) {
        x = this.model.getLayer(encoderLayerName(i)).apply([x, ids]) as tf.Tensor;
      }
      return x as tf.Tensor3D;
    });
  }

  /** Each row's states, batched by similar length; `onProgress` after each batch. */
  encodeAll(
    rows: readonly number[][],
    batchSize: number,
    onProgress: (done: number) => void = () => {},
  ): TextStates[] {
    const out: TextStates[] = new Array(rows.length);
    const order = [...rows.keys()].sort((a, b) => (rows[a]?.length ?? 0) - (rows[b]?.length ?? 0));
    const d = this.hidden;
    for (let i = 0; i < order.length; i += batchSize) {
      const batch = order.slice(i, i + batchSize);
      const states = this.encodeBatch(batch.map((r) => rows[r] ?? []));
      const t = states.shape[1];
      const values = states.dataSync() as Float32Array;
      states.dispose();
      batch.forEach((r, b) => {
        const length = rows[r]?.length ?? 0;
        out[r] = { length, states: values.slice(b * t * d, (b * t + length) * d) };
      });
      onProgress(Math.min(i + batchSize, order.length));
    }
    return out;
  }
}

/** Cache key of a set of id rows under one encoder version. */
function cacheName(version: string, rows: readonly number[][]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(Int32Array.from(row)).update('|');
  return `${version}-${hash.digest('hex').slice(0, 16)}.bin`;
}

/**
 * The states of `rows`, read from `dir` when an earlier run stored them for this encoder version and these
 * exact rows, else computed and stored (written under a temporary name first, so a crash leaves no half file).
 */
export async function cachedStates(
  encoder: EncoderStates,
  version: string,
  rows: readonly number[][],
  dir: string,
  batchSize: number,
  onProgress?: (done: number) => void,
): Promise<{ states: TextStates[]; reused: boolean }> {
  const file = path.join(dir, cacheName(`${version}-L${encoder.blocks}`, rows));
  const d = encoder.hidden;
  try {
    const bytes = await readFile(file);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    let at = 0;
    const states = rows.map((row) => {
      const n = row.length * d;
      const s = { length: row.length, states: all.subarray(at, at + n) };
      at += n;
      return s;
    });
    if (at === all.length) return { states, reused: true };
  } catch {
    // Not cached yet (or unreadable): compute below.
  }
  const states = encoder.encodeAll(rows, batchSize, onProgress);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(
    tmp,
    Buffer.concat(
      states.map((s) => Buffer.from(s.states.buffer, s.states.byteOffset, s.states.byteLength)),
    ),
  );
  await rename(tmp, file);
  return { states, reused: false };
}
