// AdamW: weight decay is decoupled from the gradient (a zero gradient still shrinks decayed weights), each variable's step follows its rate scale, and undecayed variables are left alone.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.ts';

describe('AdamW with per-variable rate scales', () => {
  it('a zero gradient shrinks a decayed weight by (1 − rate·decay) and leaves an undecayed one', () => {
    const decayed = tf.variable(tf.tensor1d([2, -4]), true, 'adamw_decayed');
    const kept = tf.variable(tf.tensor1d([2, -4]), true, 'adamw_kept');
    const optimizer = new AdamW(
      [
        { variable: decayed, rateScale: 1, decay: true },
        { variable: kept, rateScale: 1, decay: false },
      ],
      { weightDecay: 0.5 },
    );
    optimizer.apply({ adamw_decayed: tf.zeros([2]), adamw_kept: tf.zeros([2]) }, 0.1);
    expect(Array.from(decayed.dataSync())).toEqual([2 * 0.95, -4 * 0.95].map(Math.fround));
    expect(Array.from(kept.dataSync())).toEqual([2, -4]);
    optimizer.dispose();
  });

  it('the first step moves each variable by its rate × scale against the gradient sign', () => {
    const full = tf.variable(tf.tensor1d([1, 1]), true, 'adamw_full');
    const quarter = tf.variable(tf.tensor1d([1, 1]), true, 'adamw_quarter');
    const optimizer = new AdamW(
      [
        { variable: full, rateScale: 1, decay: false },
        { variable: quarter, rateScale: 0.25, decay: false },
      ],
      { weightDecay: 0, epsilon: 1e-12 },
    );
    const grad = tf.tensor1d([3, -0.5]);
    optimizer.apply({ adamw_full: grad, adamw_quarter: grad }, 0.1);
    const moved = (v: tf.Variable) => Array.from(v.dataSync(), (x) => Number((x - 1).toFixed(5)));
    expect(moved(full)).toEqual([-0.1, 0.1]);
    expect(moved(quarter)).toEqual([-0.025, 0.025]);
    optimizer.dispose();
  });

  it('names the variable whose gradient is missing', () => {
    const v = tf.variable(tf.tensor1d([1]), true, 'adamw_lonely');
    const optimizer = new AdamW([{ variable: v, rateScale: 1, decay: false }], {
      weightDecay: 0,
    });
    expect(() => optimizer.apply({}, 0.1)).toThrow(/no gradient for adamw_lonely/);
    optimizer.dispose();
  });
});
