/**
 * The BiLSTM's recurrence as TensorFlow's BlockLSTM kernel, for scoring on a native backend. The step loop of
 * layers.ts issues about 17 ops per time step, and on native every op costs tens of µs whatever its size: a
 * pass of 256 texts of 45 tokens spent 54 ms in that loop, where BlockLSTM runs one direction over the whole
 * sequence as one op (11.6 ms per direction in one thread). The arithmetic is the loop's up to float rounding:
 * the loop's cell input g = 2σ(z) − 1 is tanh(z / 2), so its columns are halved for BlockLSTM's tanh, and its
 * forget bias and cell clip are off (the layer's forget bias lives in its weights).
 *
 * Inference only: BlockLSTM has no gradient in tfjs. Training, evaluation and the teacher's probabilities keep
 * the step loop, whose bytes the README's training commands reproduce; a scorer opts in (Predictor).
 */
import * as tf from '@tensorflow/tfjs';
import { NATIVE_BACKEND_NAME, nativeInt64Scalar } from './native-backend.ts';

/** The parts of tfjs-node's NodeJSKernelBackend used here. */
interface NativeKernelBackend {
  binding: { TF_ATTR_FLOAT: number; TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeMultipleOutputs(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputs: object[],
    outputs: number,
  ): tf.Tensor[];
}

/** BlockLSTM's outputs: i, cs, f, o, ci, co, h; only h is read. */
const BLOCK_LSTM_OUTPUTS = 7;
const H_OUTPUT = 6;

/**
 * Whether the active backend runs BlockLSTM: native TensorFlow on the CPU, with its int64 input class found
 * (a GPU keeps the step loop until the kernel is tested there; native-backend.ts).
 */
export function nativeLstmAvailable(): boolean {
  return tf.getBackend() === NATIVE_BACKEND_NAME && nativeInt64Scalar() !== undefined;
}

/**
 * One direction's columns of the layer's gate block (layout [i, f, o, g], each [fwd U | bwd U]) in
 * BlockLSTM's order [i, ci, f, o], with g halved (see above).
 */
function directionColumns(m: tf.Tensor2D, direction: number, u: number): tf.Tensor2D {
  const gate = (k: number) => tf.slice(m, [0, (2 * k + direction) * u], [-1, u]);
  return tf.concat([gate(0), tf.mul(gate(3), 0.5), gate(1), gate(2)], 1) as tf.Tensor2D;
}

export interface BiLstmWeights {
  /** [2D, 8U]: rows 0…D−1 read the forward input, D…2D−1 the reversed one (block-masked in the layer). */
  wx: tf.Tensor;
  /** [2U, 8U]: rows 0…U−1 the forward state, U…2U−1 the backward one. */
  wh: tf.Tensor;
  /** [8U] */
  b: tf.Tensor;
}

/**
 * Every step's [h_fwd; h_bwd] as time-major rows [T·B, 2U] (row s·B + r: text r at step s), as the step loop
 * stacks them. `forward` and `backward` are the inputs [T, B, D] in reading order of each direction.
 */
export function nativeBiLstmStates(
  forward: tf.Tensor3D,
  backward: tf.Tensor3D,
  weights: BiLstmWeights,
  units: number,
): tf.Tensor2D {
  const Int64Scalar = nativeInt64Scalar();
  if (Int64Scalar === undefined || tf.getBackend() !== NATIVE_BACKEND_NAME) {
    throw new Error('BlockLSTM needs the native TensorFlow backend');
  }
  const backend = tf.backend() as unknown as NativeKernelBackend;
  const { binding } = backend;
  const attrs = [
    { name: 'forget_bias', type: binding.TF_ATTR_FLOAT, value: 0 },
    { name: 'cell_clip', type: binding.TF_ATTR_FLOAT, value: -1 },
    { name: 'use_peephole', type: binding.TF_ATTR_BOOL, value: false },
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
  ];
  const [t, b, d] = forward.shape;
  const u = units;
  const zeros = tf.zeros([b, u]);
  const peephole = tf.zeros([u]);
  const wx = weights.wx as tf.Tensor2D;
  const wh = weights.wh as tf.Tensor2D;
  const bias = tf.reshape(weights.b, [1, 8 * u]) as tf.Tensor2D;
  const run = (x: tf.Tensor3D, direction: number) => {
    const w = directionColumns(
      tf.concat(
        [tf.slice(wx, [direction * d, 0], [d, -1]), tf.slice(wh, [direction * u, 0], [u, -1])],
        0,
      ),
      direction,
      u,
    );
    const outputs = backend.executeMultipleOutputs(
      'BlockLSTM',
      attrs,
      [
        new Int64Scalar(t),
        x,
        zeros,
        zeros,
        w,
        peephole,
        peephole,
        peephole,
        tf.reshape(directionColumns(bias, direction, u), [4 * u]),
      ],
      BLOCK_LSTM_OUTPUTS,
    );
    const h = outputs[H_OUTPUT];
    if (h === undefined) throw new Error('BlockLSTM returned no h');
    return tf.reshape(h, [t * b, u]);
  };
  return tf.concat([run(forward, 0), run(backward, 1)], 1) as tf.Tensor2D;
}
