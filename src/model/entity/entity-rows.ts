/** Entity rows (a text, the positions of one entity in it) and their assembly into the head's padded inputs. */
import * as tf from '@tensorflow/tfjs';
import type { TextStates } from './encoder-states.ts';

export interface EntityRow {
  /** Index of the text's states. */
  text: number;
  /** Framed token positions of the entity; empty reads the [CLS] position instead. */
  positions: readonly number[];
}

export interface HeadInputs {
  states: tf.Tensor3D;
  real: tf.Tensor2D;
  mark: tf.Tensor2D;
}

/** The head's inputs for `batch` (indices into `rows`), padded to the batch's longest text. */
export function headInputs(
  texts: readonly TextStates[],
  rows: readonly EntityRow[],
  batch: readonly number[],
  hidden: number,
): HeadInputs {
  const t = Math.max(1, ...batch.map((i) => texts[rows[i]?.text ?? 0]?.length ?? 0));
  const states = new Float32Array(batch.length * t * hidden);
  const real = new Float32Array(batch.length * t);
  const mark = new Float32Array(batch.length * t);
  batch.forEach((i, b) => {
    const row = rows[i];
    const text = row ? texts[row.text] : undefined;
    if (!row || !text) return;
    states.set(text.states, b * t * hidden);
    real.fill(1, b * t, b * t + text.length);
    if (row.positions.length === 0) mark[b * t] = 1;
    for (const p of row.positions) if (p < text.length) mark[b * t + p] = 1;
  });
  return {
    states: tf.tensor3d(states, [batch.length, t, hidden]),
    real: tf.tensor2d(real, [batch.length, t]),
    mark: tf.tensor2d(mark, [batch.length, t]),
  };
}

/** The head's probabilities for every row, row-major ×3, in batches of rows of similar text length. */
export function predictRows(
  head: tf.LayersModel,
  texts: readonly TextStates[],
  rows: readonly EntityRow[],
  hidden: number,
  batchSize = 64,
): Float32Array {
  const probs = new Float32Array(rows.length * 3);
  const order = [...rows.keys()].sort(
    (a, b) => (texts[rows[a]?.text ?? 0]?.length ?? 0) - (texts[rows[b]?.text ?? 0]?.length ?? 0),
  );
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const values = tf
      .tidy(() => {
        const x = headInputs(texts, rows, batch, hidden);
        return head.predict([x.states, x.real, x.mark]) as tf.Tensor;
      })
      .dataSync();
    batch.forEach((i, b) => {
      probs.set(values.subarray(b * 3, b * 3 + 3), i * 3);
    });
  }
  return probs;
}
