/** Mean and max over a sequence's real (non-padding) positions: [x [B, T, D], ids [B, T]] → [B, 2D]. */
import * as tf from '@tensorflow/tfjs';
import { first, paddingMask, type Shape, second, shapeList } from '../layers.ts';

/** Pushes padding below any real value before the max, so it is never chosen. */
const PADDING_FLOOR = -1e9;

export class MeanMaxPool extends tf.layers.Layer {
  static className = 'BwMeanMaxPool';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null, null, null];
    const d = s[2] ?? null;
    return [s[0] ?? null, d === null ? null : 2 * d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = first(inputs);
      const mask = tf.expandDims(paddingMask(second(inputs)), -1);
      // Padding positions may hold anything (the BiLSTM leaves them undefined): zero them for the sum.
      const mean = tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
      const max = tf.max(tf.add(tf.mul(x, mask), tf.mul(tf.sub(1, mask), PADDING_FLOOR)), 1);
      return tf.concat([mean, max], 1);
    });
  }
}
