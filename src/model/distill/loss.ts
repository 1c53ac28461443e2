/**
 * The distillation loss: a·T²·KL(teacher_T ‖ student_T) over every text plus (1−a)·class-weighted
 * cross-entropy on the labelled ones, from the student's logits so that tempering stays stable.
 */
import * as tf from '@tensorflow/tfjs';

/** Teacher targets at temperature T: each row p^(1/T) renormalised, and Σ q·log q per row (the KL's constant part). */
export interface TemperedTargets {
  /** Row-major ×3. */
  probs: Float32Array;
  /** Per row, Σ_c q_c·log q_c with 0·log 0 = 0. */
  negEntropy: Float32Array;
}

/**
 * Re-tempers probabilities that came out of a softmax at temperature 1: p^(1/T) renormalised equals the
 * softmax of the teacher's logits divided by T. Worked in logs with the row maximum taken out, so a
 * small T cannot underflow a whole row to zero.
 */
export function temperProbs(probs: Float32Array, temperature: number): TemperedTargets {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const rows = probs.length / 3;
  const out = new Float32Array(probs.length);
  const negEntropy = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const logs = [0, 1, 2].map((c) => {
      const p = probs[r * 3 + c] ?? Number.NaN;
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`teacher probability ${p} at row ${r} is not in [0, 1]`);
      }
      return Math.log(p) / temperature;
    });
    const top = Math.max(...logs);
    if (top === Number.NEGATIVE_INFINITY) throw new RangeError(`teacher row ${r} is all zeros`);
    const shifted = logs.map((l) => Math.exp(l - top));
    const sum = shifted.reduce((a, b) => a + b, 0);
    let h = 0;
    shifted.forEach((s, c) => {
      const q = s / sum;
      out[r * 3 + c] = q;
      if (q > 0) h += q * Math.log(q);
    });
    negEntropy[r] = h;
  }
  return { probs: out, negEntropy };
}

export interface DistillBatch {
  /** Tempered teacher probabilities [B, 3]. */
  tempered: tf.Tensor;
  /** Σ q·log q per row [B]. */
  negEntropy: tf.Tensor;
  /** Smoothed one-hot labels [B, 3]; any row of an unlabelled text (its weight is 0). */
  hard: tf.Tensor;
  /** Class weight per row [B]; 0 for an unlabelled text, which then adds only its KL term. */
  weights: tf.Tensor;
}

/** KL(teacher_T ‖ softmax(logits / T)) per row [B]. */
export function klPerRow(
  logits: tf.Tensor,
  tempered: tf.Tensor,
  negEntropy: tf.Tensor,
  temperature: number,
): tf.Tensor {
  const logStudent = tf.logSoftmax(tf.div(logits, temperature));
  return tf.sub(negEntropy, tf.sum(tf.mul(tempered, logStudent), 1));
}

/**
 * a·T²·mean KL over the batch + (1−a)·the class-weighted mean cross-entropy of its labelled rows. T²
 * keeps the soft term's gradients on the hard term's scale whatever the temperature (Hinton et al.).
 */
export function distillationLoss(
  logits: tf.Tensor,
  batch: DistillBatch,
  temperature: number,
  weight: number,
): tf.Scalar {
  return tf.tidy(() => {
    const kl = klPerRow(logits, batch.tempered, batch.negEntropy, temperature);
    const soft = tf.mul(tf.mean(kl), weight * temperature * temperature);
    const ce = tf.neg(tf.sum(tf.mul(batch.hard, tf.logSoftmax(logits)), 1));
    // A batch of transfer texts alone has no labelled row: its hard term is 0, not 0/0.
    const labelled = tf.maximum(tf.sum(batch.weights), 1e-9);
    const hard = tf.mul(tf.div(tf.sum(tf.mul(ce, batch.weights)), labelled), 1 - weight);
    return tf.add(soft, hard) as tf.Scalar;
  });
}

/** A student's outputs in one pass: pre-softmax scores, and its hidden layer (before the head's dropout). */
export interface StudentOutputs {
  logits: tf.Tensor;
  hidden: tf.Tensor;
}

/**
 * A single network's pre-softmax scores and hidden layer: the layers up to its softmax head (shared, so
 * their weights train) followed by the head's own kernel and bias without the softmax.
 */
export function studentOutputs(
  model: tf.LayersModel,
): (ids: tf.Tensor, callArgs?: Record<string, unknown>) => StudentOutputs {
  const head = model.getLayer('probs');
  const inner = tf.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer('hidden').output as tf.SymbolicTensor,
      head.input as tf.SymbolicTensor,
    ],
  });
  const [kernel, bias] = head.trainableWeights;
  if (!kernel || !bias) throw new Error('the softmax head has no kernel and bias');
  // callArgs reach every layer as `model.apply`'s do (a training step's dropout).
  return (ids, callArgs) => {
    const [hidden, headInput] = inner.apply(ids, callArgs) as tf.Tensor[];
    if (!hidden || !headInput) throw new Error('the student gave no hidden layer');
    return { logits: tf.add(tf.matMul(headInput, kernel.read()), bias.read()), hidden };
  };
}

/**
 * Teacher features standardised per dimension (mean 0, variance 1 over the distillation set), so that each
 * dimension weighs alike in the squared error whatever its scale in the teacher.
 */
export function standardizeFeatures(values: Float32Array, dim: number): Float32Array {
  const rows = values.length / dim;
  if (!Number.isInteger(rows) || rows === 0) {
    throw new RangeError(`${values.length} feature values are not rows of ${dim}`);
  }
  const mean = new Float64Array(dim);
  const square = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const v = values[r * dim + c] ?? 0;
      mean[c] = (mean[c] ?? 0) + v / rows;
      square[c] = (square[c] ?? 0) + (v * v) / rows;
    }
  }
  // A constant dimension (a dead unit) stays 0 rather than dividing by 0.
  const scale = mean.map((m, c) => {
    const variance = (square[c] ?? 0) - m * m;
    return variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
  });
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      out[r * dim + c] = ((values[r * dim + c] ?? 0) - (mean[c] ?? 0)) * (scale[c] ?? 0);
    }
  }
  return out;
}

/** A trained linear map from the student's hidden layer to the teacher's features; it is not saved with the model. */
export interface FeatureProjection {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export function featureProjection(from: number, to: number, seed: number): FeatureProjection {
  return {
    kernel: tf.variable(tf.initializers.glorotUniform({ seed }).apply([from, to]), true),
    bias: tf.variable(tf.zeros([to]), true),
  };
}

/** Mean over rows and dimensions of (hidden·W + b − target)². */
export function featureMatchLoss(
  hidden: tf.Tensor,
  projection: FeatureProjection,
  targets: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const projected = tf.add(tf.matMul(hidden, projection.kernel), projection.bias);
    return tf.mean(tf.square(tf.sub(projected, targets))) as tf.Scalar;
  });
}
