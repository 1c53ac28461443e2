/**
 * BiLstm's final states as one tfjs kernel on the wasm backend, for scoring (wasm-simd/lstm.wat.ts has the
 * recurrence and why). It reads the folded input projection of every position and the recurrent weights;
 * the text lengths come from the ids, as the step loop takes them.
 */
import type * as Tf from '@tensorflow/tfjs';
import type { WasmKernelArgs, WasmTensorInfo } from './wasm-kernels.ts';
import { heapView } from './wasm-kernels.ts';
import { inChunks, layOut, type SimdKernels, textLengths } from './wasm-simd/module.ts';

const LSTM_KERNEL = 'BwBiLstmFinal';

/** The kernel on `kernels`, for tfjs.registerKernel. */
export function lstmKernelConfig(kernels: SimdKernels): Tf.KernelConfig {
  return {
    kernelName: LSTM_KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => bilstmFinal(kernels, args)) as unknown as Tf.KernelFunc,
  };
}

/** Whether a BiLSTM of `units` per direction can take the kernel: it works 16 columns at a time. */
export function lstmFits(units: number): boolean {
  return units > 0 && units % 16 === 0;
}

/**
 * [h_fwd; h_bwd] [B, 2U] after each text's steps: projected [B·T, 8U] (row b·T + position), wh [2U, 8U],
 * ids [B, T] (0 = padding after the text).
 */
export function wasmBiLstmFinal(
  tf: typeof Tf,
  projected: Tf.Tensor,
  wh: Tf.Tensor,
  ids: Tf.Tensor,
): Tf.Tensor {
  return tf.engine().runKernel(LSTM_KERNEL, { projected, wh, ids }, {}) as Tf.Tensor;
}

function bilstmFinal(module: SimdKernels, args: WasmKernelArgs): WasmTensorInfo {
  const { projected, wh, ids } = args.inputs;
  if (!projected || !wh || !ids) throw new Error(`${LSTM_KERNEL}: needs projected, wh and ids`);
  const [b = 0, t = 0] = ids.shape;
  const u = (wh.shape[0] ?? 0) / 2;
  const out = args.backend.makeOutput([b, 2 * u], 'float32');
  // Views after makeOutput: growing the tfjs heap replaces its buffer.
  const projectedValues = heapView(args.backend, projected);
  const whValues = heapView(args.backend, wh);
  const idValues = heapView(args.backend, ids);
  const outValues = heapView(args.backend, out);
  inChunks(b, 4 + t * 8 * u * 4 + 2 * u * 4, (first, end) => {
    const n = end - first;
    const [lensAt = 0, projAt = 0, whAt = 0, outAt = 0, hcAt = 0, zAt = 0] = layOut(module, [
      n * 4,
      n * t * 8 * u * 4,
      whValues.length * 4,
      n * 2 * u * 4,
      4 * u * 4,
      4 * u * 4,
    ]);
    const memory = module.memory.buffer;
    textLengths(new Int32Array(memory, lensAt, n), idValues, first, t);
    new Float32Array(memory, projAt, n * t * 8 * u).set(
      projectedValues.subarray(first * t * 8 * u, end * t * 8 * u),
    );
    new Float32Array(memory, whAt, whValues.length).set(whValues);
    module.bilstmFinal(projAt, whAt, lensAt, outAt, hcAt, zAt, n, t, u);
    outValues.set(new Float32Array(memory, outAt, n * 2 * u), first * 2 * u);
  });
  return out;
}
