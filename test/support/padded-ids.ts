/** Token ids [rows, steps] for sequence-layer tests: row r holds `lengths[r]` real ids (3 + r + j), then padding 0. */
import * as tf from '@tensorflow/tfjs';

/** The default mix: one full row, one single token, and lengths between. */
export const MIXED_LENGTHS = [9, 1, 4, 7, 2] as const;

export function paddedIds(steps: number, lengths: readonly number[] = MIXED_LENGTHS): tf.Tensor2D {
  return tf.tensor2d(
    lengths.flatMap((len, r) => Array.from({ length: steps }, (_, j) => (j < len ? 3 + r + j : 0))),
    [lengths.length, steps],
  );
}
