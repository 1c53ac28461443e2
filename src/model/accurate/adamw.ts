/**
 * AdamW (Adam with weight decay decoupled from the gradient, Loshchilov & Hutter) with a learning-rate
 * scale per variable, for layer-wise rates. tfjs's Adam folds no decay and takes one rate for all.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWParam {
  variable: tf.Variable;
  /** Multiplies the step's learning rate for this variable (layer-wise decay). */
  rateScale: number;
  /** Biases and layer-norm gains are conventionally left undecayed. */
  decay: boolean;
}

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay: number;
}

export class AdamW {
  private readonly moments: Array<{ m: tf.Variable; v: tf.Variable }>;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private steps = 0;

  constructor(
    readonly params: readonly AdamWParam[],
    private readonly options: AdamWOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-6;
    this.moments = params.map(({ variable }) => ({
      m: tf.variable(tf.zerosLike(variable), false),
      v: tf.variable(tf.zerosLike(variable), false),
    }));
  }

  /** One update with `rate`; `grads` holds one gradient per param, by variable name. */
  apply(grads: tf.NamedTensorMap, rate: number): void {
    this.steps++;
    const correct1 = 1 - this.beta1 ** this.steps;
    const correct2 = 1 - this.beta2 ** this.steps;
    tf.tidy(() => {
      this.params.forEach(({ variable, rateScale, decay }, i) => {
        const g = grads[variable.name];
        const moment = this.moments[i];
        if (!g || !moment) throw new Error(`no gradient for ${variable.name}`);
        moment.m.assign(tf.add(tf.mul(moment.m, this.beta1), tf.mul(g, 1 - this.beta1)));
        moment.v.assign(tf.add(tf.mul(moment.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const step = tf.div(
          tf.div(moment.m, correct1),
          tf.add(tf.sqrt(tf.div(moment.v, correct2)), this.epsilon),
        );
        const lr = rate * rateScale;
        const decayed = decay ? tf.mul(variable, 1 - lr * this.options.weightDecay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(step, lr)));
      });
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments) {
      m.dispose();
      v.dispose();
    }
  }
}
