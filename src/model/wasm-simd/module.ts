/**
 * This project's WebAssembly SIMD kernels for scoring on the wasm backend: attention (attention.wat.ts) and
 * the BiLSTM's recurrence (lstm.wat.ts), one module with a memory of its own. It is WebAssembly text,
 * compiled at load by wabt (a registry package); the tfjs kernels (wasm-attention.ts, wasm-lstm.ts) copy
 * their inputs in and their outputs out.
 */
import wabtInit from 'wabt';
import { ATTENTION_FUNCS } from './attention.wat.ts';
import { LSTM_FUNCS } from './lstm.wat.ts';

const MODULE_WAT = `(module
  (memory (export "memory") 1)
  ${ATTENTION_FUNCS}
  ${LSTM_FUNCS})`;

/** lens (byte offset of B int32 key counts), B, T, D, H, and the score rows' stride in bytes. */
type AttentionShape = [lens: number, b: number, t: number, d: number, h: number, stride: number];

export interface SimdKernels {
  memory: WebAssembly.Memory;
  scores(qkv: number, s: number, scale: number, ...shape: AttentionShape): void;
  softmax(s: number, ...shape: AttentionShape): void;
  context(qkv: number, p: number, out: number, ...shape: AttentionShape): void;
  bilstmFinal(
    proj: number,
    wh: number,
    lens: number,
    out: number,
    hc: number,
    z: number,
    b: number,
    t: number,
    u: number,
  ): void;
}

const PAGE = 65_536;

let compiled: Promise<SimdKernels> | undefined;

/** Compiles and instantiates the module once per thread. */
export function simdKernels(): Promise<SimdKernels> {
  compiled ??= (async () => {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('bellwether-simd.wat', MODULE_WAT, { simd: true });
    try {
      parsed.validate();
      const { buffer } = parsed.toBinary({});
      const instance = await WebAssembly.instantiate(
        await WebAssembly.compile(new Uint8Array(buffer)),
      );
      return instance.exports as unknown as SimdKernels;
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}

/** Most bytes one call lays out: a larger batch goes through in runs of texts, so the memory stays small. */
const CHUNK_BYTES = 16 << 20;

/** Calls `run(start, end)` over [0, count) in runs of at most CHUNK_BYTES / bytesEach items (at least one). */
export function inChunks(
  count: number,
  bytesEach: number,
  run: (start: number, end: number) => void,
): void {
  const size = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, bytesEach)));
  for (let start = 0; start < count; start += size) run(start, Math.min(count, start + size));
}

/**
 * Writes into `lens` the length of each of its texts: rows `first`… of `ids` ([rows, t], 0 = padding), a
 * text's length being one past its last non-padding id, as the stock layers take it.
 */
export function textLengths(
  lens: Int32Array,
  ids: ArrayLike<number>,
  first: number,
  t: number,
): void {
  for (let i = 0; i < lens.length; i++) {
    const row = (first + i) * t;
    let len = t;
    while (len > 0 && ids[row + len - 1] === 0) len -= 1;
    lens[i] = len;
  }
}

/**
 * Byte offsets of consecutive regions of these sizes in the module's memory, each 16-byte aligned, growing
 * the memory to hold them. Views on the memory must be taken after this call (growing replaces its buffer).
 */
export function layOut(kernels: SimdKernels, bytes: readonly number[]): number[] {
  const offsets: number[] = [];
  let end = 0;
  for (const size of bytes) {
    offsets.push(end);
    end += Math.ceil(size / 16) * 16;
  }
  const have = kernels.memory.buffer.byteLength;
  if (end > have) kernels.memory.grow(Math.ceil((end - have) / PAGE));
  return offsets;
}
