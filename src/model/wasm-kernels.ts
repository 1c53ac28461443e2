/**
 * Replacements for stock tfjs-wasm kernels whose slow paths dominate this model: matmul with a
 * transposed operand (falls back to a naive loop; every Dense gradient uses it) and slice (copies
 * the whole input out of the heap before taking a piece of it, quadratic in an LSTM's time loop).
 */
import type * as Tf from '@tensorflow/tfjs';

export interface WasmTensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmData {
  memoryOffset: number;
  shape: number[];
  dtype: string;
}

export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): WasmData | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: string): WasmTensorInfo;
  disposeData(dataId: object): void;
}

/** What tfjs hands a wasm kernel function. */
export interface WasmKernelArgs {
  inputs: Record<string, WasmTensorInfo>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
}

type KernelFn = (args: WasmKernelArgs) => WasmTensorInfo;

let patched = false;

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** A view on a tensor's bytes in the wasm heap (bool is one byte per element there). */
export function heapView(backend: WasmBackendLike, info: WasmTensorInfo): HeapArray {
  const data = backend.dataIdMap.get(info.dataId);
  if (!data) throw new Error('wasm tensor data missing');
  const size = info.shape.reduce((a, b) => a * b, 1);
  const buffer = backend.wasm.HEAPU8.buffer;
  if (info.dtype === 'bool') return new Uint8Array(buffer, data.memoryOffset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, data.memoryOffset, size);
  if (info.dtype === 'float32') return new Float32Array(buffer, data.memoryOffset, size);
  throw new Error(`no heap view for ${info.dtype}`);
}

/** Installs the replacements once; a no-op when the wasm kernels are not registered. */
export function patchWasmKernels(tf: typeof Tf): void {
  if (patched) return;
  const matmul = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  const gather = tf.getKernel('GatherV2', 'wasm');
  const reverse = tf.getKernel('Reverse', 'wasm');
  if (!matmul || !transposeKernel || !slice || !gather || !reverse) return;
  patched = true;
  const original = matmul.kernelFunc as unknown as KernelFn;
  const originalGather = gather.kernelFunc as unknown as KernelFn;

  // The stock wasm transpose computes a full index per element (~50M elements/s here); walking the
  // output in order with incremental input offsets is several times faster in plain JS.
  const transpose: KernelFn = ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    if (!x) throw new Error('transpose: missing input');
    const perm = attrs.perm as number[];
    const rank = x.shape.length;
    const outShape = perm.map((p) => x.shape[p] ?? 1);
    const out = backend.makeOutput(outShape, x.dtype);
    const src = heapView(backend, x);
    const dst = heapView(backend, out);
    const inStrides = [...tf.util.computeStrides(x.shape), 1];
    // Input stride of each output axis.
    const stride = perm.map((p) => inStrides[p] ?? 1);
    const last = rank - 1;
    const innerN = outShape[last] ?? 1;
    const innerS = stride[last] ?? 1;
    const idx = new Array<number>(rank).fill(0);
    const total = dst.length;
    let base = 0;
    for (let o = 0; o < total; o += innerN) {
      for (let j = 0, k = base; j < innerN; j++, k += innerS) dst[o + j] = src[k] ?? 0;
      for (let d = last - 1; d >= 0; d--) {
        const v = (idx[d] ?? 0) + 1;
        const s = stride[d] ?? 0;
        if (v < (outShape[d] ?? 1)) {
          idx[d] = v;
          base += s;
          break;
        }
        base -= (v - 1) * s;
        idx[d] = 0;
      }
    }
    return out;
  };
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({ ...transposeKernel, kernelFunc: transpose as unknown as Tf.KernelFunc });

  // Reversing the leading axis (time-major sequences) is a block copy per row.
  const originalReverse = reverse.kernelFunc as unknown as KernelFn;
  tf.unregisterKernel('Reverse', 'wasm');
  tf.registerKernel({
    ...reverse,
    kernelFunc: ((args: Parameters<KernelFn>[0]) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x;
      const dims = attrs.dims as number[] | number;
      const axes = Array.isArray(dims) ? dims : [dims];
      if (!x || axes.length !== 1 || axes[0] !== 0) return originalReverse(args);
      const out = backend.makeOutput([...x.shape], x.dtype);
      const src = heapView(backend, x);
      const dst = heapView(backend, out);
      const rows = x.shape[0] ?? 1;
      const width = rows === 0 ? 0 : src.length / rows;
      for (let r = 0; r < rows; r++) {
        const from = (rows - 1 - r) * width;
        dst.set(src.subarray(from, from + width), r * width);
      }
      return out;
    }) as unknown as Tf.KernelFunc,
  });

  // Row gather for embeddings: one contiguous copy per index instead of per-element indexing.
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({
    ...gather,
    kernelFunc: ((args: Parameters<KernelFn>[0]) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x;
      const indices = inputs.indices;
      if (
        !x ||
        !indices ||
        attrs.axis !== 0 ||
        (attrs.batchDims ?? 0) !== 0 ||
        x.shape.length !== 2
      ) {
        return originalGather(args);
      }
      const rows = x.shape[0] ?? 0;
      const width = x.shape[1] ?? 0;
      const out = backend.makeOutput([...indices.shape, width], x.dtype);
      const src = heapView(backend, x);
      const ids = heapView(backend, indices);
      const dst = heapView(backend, out);
      for (let n = 0; n < ids.length; n++) {
        const r = ids[n] ?? 0;
        if (r < 0 || r >= rows) throw new Error(`gather index ${r} out of [0, ${rows})`);
        dst.set(src.subarray(r * width, r * width + width), n * width);
      }
      return out;
    }) as unknown as Tf.KernelFunc,
  });

  const transposeLast2 = (x: WasmTensorInfo, backend: WasmBackendLike): WasmTensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank).keys()];
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return transpose({ inputs: { x }, backend, attrs: { perm } });
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...matmul,
    kernelFunc: ((args: Parameters<KernelFn>[0]) => {
      const { inputs, backend, attrs } = args;
      const a = inputs.a;
      const b = inputs.b;
      if (!a || !b || (!attrs.transposeA && !attrs.transposeB)) return original(args);
      // A physical transpose is linear time; the transposed-operand matmul path is not blocked.
      const at = attrs.transposeA ? transposeLast2(a, backend) : a;
      const bt = attrs.transposeB ? transposeLast2(b, backend) : b;
      const out = original({
        inputs: { a: at, b: bt },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      if (at !== a) backend.disposeData(at.dataId);
      if (bt !== b) backend.disposeData(bt.dataId);
      return out;
    }) as unknown as Tf.KernelFunc,
  });

  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    ...slice,
    kernelFunc: ((args: Parameters<KernelFn>[0]) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x;
      if (!x) throw new Error('slice: missing input');
      const [begin = [], size = []] = tf.slice_util.parseSliceParams(
        x as unknown as Tf.TensorInfo,
        attrs.begin as number[],
        attrs.size as number[],
      );
      const out = backend.makeOutput(size, x.dtype);
      const src = heapView(backend, x);
      const dst = heapView(backend, out);
      const strides = tf.util.computeStrides(x.shape);
      const rank = x.shape.length;
      if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
        const offset = tf.slice_util.computeFlatOffset(begin, strides);
        dst.set(src.subarray(offset, offset + dst.length));
        return out;
      }
      // Copy the innermost runs; walk the outer index like an odometer.
      const inner = size[rank - 1] ?? 1;
      const outerShape = size.slice(0, rank - 1);
      const idx = new Array<number>(rank - 1).fill(0);
      const runs = outerShape.reduce((p, s) => p * s, 1);
      let o = 0;
      for (let r = 0; r < runs; r++) {
        let offset = begin[rank - 1] ?? 0;
        for (let d = 0; d < rank - 1; d++)
          offset += ((begin[d] ?? 0) + (idx[d] ?? 0)) * (strides[d] ?? 0);
        dst.set(src.subarray(offset, offset + inner), o);
        o += inner;
        for (let d = rank - 2; d >= 0; d--) {
          const v = (idx[d] ?? 0) + 1;
          if (v < (outerShape[d] ?? 1)) {
            idx[d] = v;
            break;
          }
          idx[d] = 0;
        }
      }
      return out;
    }) as unknown as Tf.KernelFunc,
  });
}
