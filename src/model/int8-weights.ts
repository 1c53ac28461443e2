/** Symmetric int8 quantization of a weight matrix with one float32 scale per output column (the last axis), and its inverse. */

/** Below this many values a matrix stays in float32: its int8 form would save little and cost precision. */
export const INT8_MIN_VALUES = 4096;

/** Whether a weight of this shape is stored as int8: a matrix (≥ 2 axes) of at least INT8_MIN_VALUES values. */
export function storesAsInt8(shape: readonly number[]): boolean {
  return shape.length >= 2 && shape.reduce((a, b) => a * b, 1) >= INT8_MIN_VALUES;
}

export interface Int8Matrix {
  /** Row-major values, round(w / scale of its column), in [-127, 127]. */
  q: Int8Array;
  /** One per column: max |w| of the column / 127 (0 for an all-zero column). */
  scales: Float32Array;
}

function columnsOf(length: number, shape: readonly number[], name: string): number {
  const columns = shape[shape.length - 1] ?? 0;
  if (shape.length < 2 || columns <= 0 || length % columns !== 0) {
    throw new Error(
      `${name}: int8 storage needs a matrix; got shape [${shape}] for ${length} values`,
    );
  }
  return columns;
}

/** `name` only labels errors. */
export function quantizeColumns(
  values: Float32Array,
  shape: readonly number[],
  name = 'weight',
): Int8Matrix {
  const columns = columnsOf(values.length, shape, name);
  const max = new Float32Array(columns);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    // A NaN or infinite weight has no int8 form; storing it would silently change the model.
    if (!Number.isFinite(v)) {
      throw new Error(`${name}: int8 storage needs finite weights; value ${i} is ${v}`);
    }
    const c = i % columns;
    max[c] = Math.max(max[c] ?? 0, Math.abs(v));
  }
  const scales = max.map((m) => m / 127);
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[i % columns] ?? 0;
    // The float32 scale (what is stored) divides, so dequantizing is exact up to one rounding.
    q[i] = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round((values[i] ?? 0) / scale)));
  }
  return { q, scales };
}

export function dequantizeColumns({ q, scales }: Int8Matrix): Float32Array {
  const columns = scales.length;
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i] ?? 0) * (scales[i % columns] ?? 0);
  return out;
}
