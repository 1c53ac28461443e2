/**
 * Multi-head self-attention over a packed q/k/v projection as one tfjs kernel on the wasm backend, for
 * scoring (wasm-attention-kernel.ts has the products and why). Padding keys (id 0) get no weight, as the
 * stock formulation's −1e9 bias gives them; a text with no key but padding attends evenly to all, as there.
 */
import type * as Tf from '@tensorflow/tfjs';
import { type AttentionKernel, attentionKernel } from './wasm-attention-kernel.ts';
import { heapView, type WasmBackendLike, type WasmTensorInfo } from './wasm-kernels.ts';

export const ATTENTION_KERNEL = 'BwPackedAttention';
const PAGE = 65_536;

let kernel: AttentionKernel | undefined;
let failure: string | undefined;

/**
 * Compiles the module and registers the kernel for wasm, once. Should that fail, scoring keeps the stock
 * attention (a third slower on wasm, the same probabilities) and wasmAttentionProblem() says why.
 */
export async function registerWasmAttention(tf: typeof Tf): Promise<void> {
  if (kernel || failure) return;
  try {
    kernel = await attentionKernel();
  } catch (error) {
    failure = `the packed attention kernel did not compile: ${(error as Error).message}`;
    return;
  }
  const module = kernel;
  tf.registerKernel({
    kernelName: ATTENTION_KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: {
      inputs: Record<string, WasmTensorInfo>;
      backend: WasmBackendLike;
      attrs: Record<string, unknown>;
    }) => packedAttention(module, args)) as unknown as Tf.KernelFunc,
  });
}

/** Why the kernel is not registered, if it failed to compile. */
export function wasmAttentionProblem(): string | undefined {
  return failure;
}

/** Whether `heads` heads over width `dim` can take the kernel here: the wasm backend, heads 4 lanes wide. */
export function wasmAttentionFits(tf: typeof Tf, dim: number, heads: number): boolean {
  return (
    kernel !== undefined &&
    tf.getBackend() === 'wasm' &&
    dim % heads === 0 &&
    (dim / heads) % 4 === 0
  );
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

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

function packedAttention(
  module: AttentionKernel,
  args: {
    inputs: Record<string, WasmTensorInfo>;
    backend: WasmBackendLike;
    attrs: Record<string, unknown>;
  },
): WasmTensorInfo {
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
  const lensAt = 0;
  const qkvAt = align16(b * 4);
  const scoresAt = align16(qkvAt + qkvValues.length * 4);
  const outAt = align16(scoresAt + b * heads * t * stride * 4);
  const needed = outAt + b * t * d * 4;
  const have = module.memory.buffer.byteLength;
  if (needed > have) module.memory.grow(Math.ceil((needed - have) / PAGE));
  const memory = module.memory.buffer;
  const lens = new Int32Array(memory, lensAt, b);
  for (let i = 0; i < b; i++) {
    let n = t;
    while (n > 0 && idValues[i * t + n - 1] === 0) n -= 1;
    lens[i] = n;
  }
  new Float32Array(memory, qkvAt, qkvValues.length).set(qkvValues);
  const shape = [lensAt, b, t, d, heads, stride * 4] as const;
  module.scores(qkvAt, scoresAt, 1 / Math.sqrt(d / heads), ...shape);
  const scores = new Float32Array(memory, scoresAt, b * heads * t * stride);
  for (let i = 0; i < b; i++) {
    const n = lens[i] ?? 0;
    const rows = scores.subarray(i * heads * t * stride, (i + 1) * heads * t * stride);
    if (n === 0) {
      // Only padding: equal scores for all t keys, as −1e9 on every key gives.
      lens[i] = t;
      rows.fill(0);
      continue;
    }
    // A padding key between real ones gets no weight.
    for (let u = 0; u < n; u++) {
      if (idValues[i * t + u] !== 0) continue;
      for (let row = 0; row < heads * t; row++) rows[row * stride + u] = Number.NEGATIVE_INFINITY;
    }
  }
  module.softmax(scoresAt, ...shape);
  module.context(qkvAt, scoresAt, outAt, ...shape);
  heapView(args.backend, out).set(new Float32Array(memory, outAt, b * t * d));
  return out;
}
