/**
 * Multi-head self-attention over a packed q/k/v projection as one tfjs kernel on the wasm backend, for
 * scoring (wasm-simd/attention.wat.ts has the products and why). Padding keys (id 0) get no weight, as the
 * stock formulation's −1e9 bias gives them; a text with no key but padding attends evenly to all, as there.
 */
import type * as Tf from '@tensorflow/tfjs';
import type { WasmKernelArgs, WasmTensorInfo } from './wasm-kernels.ts';
import { heapView } from './wasm-kernels.ts';
import { inChunks, layOut, type SimdKernels, textLengths } from './wasm-simd/module.ts';

const ATTENTION_KERNEL = 'BwPackedAttention';

/** The kernel on `kernels`, for tfjs.registerKernel. */
export function attentionKernelConfig(kernels: SimdKernels): Tf.KernelConfig {
  return {
    kernelName: ATTENTION_KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) =>
      packedAttention(kernels, args)) as unknown as Tf.KernelFunc,
  };
}

/** Whether `heads` heads over width `dim` can take the kernel: heads a multiple of 4 lanes wide. */
export function attentionFits(dim: number, heads: number): boolean {
  return dim % heads === 0 && (dim / heads) % 4 === 0;
}

/** Context vectors [B, T, D] of `heads`-head attention over qkv [B, T, 3D] (q, k, v side by side), keys masked by ids [B, T]. */
export function wasmAttention(
  tf: typeof Tf,
  qkv: Tf.Tensor,
  ids: Tf.Tensor,
  heads: number,
): Tf.Tensor {
  return tf.engine().runKernel(ATTENTION_KERNEL, { qkv, ids }, { heads }) as Tf.Tensor;
}

function packedAttention(module: SimdKernels, args: WasmKernelArgs): WasmTensorInfo {
  const { qkv, ids } = args.inputs;
  if (!qkv || !ids) throw new Error(`${ATTENTION_KERNEL}: needs qkv and ids`);
  const heads = args.attrs.heads as number;
  const [b = 0, t = 0, width = 0] = qkv.shape;
  const d = width / 3;
  const out = args.backend.makeOutput([b, t, d], 'float32');
  // Views after makeOutput: growing the tfjs heap replaces its buffer.
  const qkvValues = heapView(args.backend, qkv);
  const idValues = heapView(args.backend, ids);

  // Score rows padded to a multiple of 4 values, so that the module's last lanes of a row stay in it.
  const stride = Math.ceil(t / 4) * 4;
  const outValues = heapView(args.backend, out);
  inChunks(b, 4 + t * 3 * d * 4 + heads * t * stride * 4 + t * d * 4, (first, end) => {
    const n = end - first;
    const [lensAt = 0, qkvAt = 0, scoresAt = 0, outAt = 0] = layOut(module, [
      n * 4,
      n * t * 3 * d * 4,
      n * heads * t * stride * 4,
      n * t * d * 4,
    ]);
    const memory = module.memory.buffer;
    const lens = new Int32Array(memory, lensAt, n);
    const ids = idValues.subarray(first * t, end * t);
    textLengths(lens, ids, 0, t);
    new Float32Array(memory, qkvAt, n * t * 3 * d).set(
      qkvValues.subarray(first * t * 3 * d, end * t * 3 * d),
    );
    const shape = [lensAt, n, t, d, heads, stride * 4] as const;
    module.scores(qkvAt, scoresAt, 1 / Math.sqrt(d / heads), ...shape);
    const scores = new Float32Array(memory, scoresAt, n * heads * t * stride);
    for (let i = 0; i < n; i++) {
      const len = lens[i] ?? 0;
      const rows = scores.subarray(i * heads * t * stride, (i + 1) * heads * t * stride);
      if (len === 0) {
        // Only padding: equal scores for all t keys, as −1e9 on every key gives.
        lens[i] = t;
        rows.fill(0);
        continue;
      }
      // A padding key between real ones gets no weight.
      for (let u = 0; u < len; u++) {
        if (ids[i * t + u] !== 0) continue;
        for (let row = 0; row < heads * t; row++) rows[row * stride + u] = Number.NEGATIVE_INFINITY;
      }
    }
    module.softmax(scoresAt, ...shape);
    module.context(qkvAt, scoresAt, outAt, ...shape);
    outValues.set(new Float32Array(memory, outAt, n * t * d), first * t * d);
  });
  return out;
}
