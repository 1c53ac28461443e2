/**
 * How float32 weights are laid out in weights.bin for each stored dtype (float32, float16, int8) and how int8
 * entries are read back to float32. Saving, loading and the version hash all go through these bytes.
 */
import type * as tf from '@tensorflow/tfjs';
import { toFloat16 } from './float16.ts';
import { dequantizeColumns, quantizeColumns, storesAsInt8 } from './int8-weights.ts';

export const WEIGHTS_DTYPES = ['float32', 'float16', 'int8'] as const;
export type WeightsDtype = (typeof WEIGHTS_DTYPES)[number];

/**
 * An int8 entry holds the matrix's values (one byte each, row-major) followed by one float32 scale per column.
 * tfjs's own decoder rejects the dtype, so a model.json with int8 entries cannot be misread as float32 elsewhere.
 */
interface Int8Quantization {
  dtype: 'int8';
}

export type StoredWeightSpec = Omit<tf.io.WeightsManifestEntry, 'quantization'> & {
  quantization?: tf.io.WeightsManifestEntry['quantization'] | Int8Quantization;
};

export interface StoredWeight {
  bytes: Uint8Array;
  quantization?: StoredWeightSpec['quantization'];
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** One float32 weight as weights.bin holds it in `dtype`; int8 applies to large matrices, the rest stays float32. */
export function encodeWeight(
  values: Float32Array,
  shape: readonly number[],
  dtype: WeightsDtype,
  name: string,
): StoredWeight {
  if (dtype === 'float16') {
    return { bytes: bytesOf(toFloat16(values)), quantization: { dtype: 'float16' } };
  }
  if (dtype === 'int8' && storesAsInt8(shape)) {
    const { q, scales } = quantizeColumns(values, shape, name);
    const bytes = new Uint8Array(q.length + scales.byteLength);
    bytes.set(bytesOf(q));
    bytes.set(bytesOf(scales), q.length);
    return { bytes, quantization: { dtype: 'int8' } };
  }
  return { bytes: bytesOf(values) };
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The float32 weights of a save, re-encoded in `dtype` with their specs marked for the decoder. */
export function encodeWeights(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: Uint8Array,
  dtype: WeightsDtype,
): { specs: StoredWeightSpec[]; data: Buffer } {
  const bad = specs.filter((s) => s.dtype !== 'float32' || s.quantization);
  if (bad.length > 0) {
    throw new Error(`${dtype} storage needs float32 weights; not: ${bad.map((s) => s.name)}`);
  }
  const parts: Uint8Array[] = [];
  const out: StoredWeightSpec[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = count(spec.shape) * 4;
    // A copy (Buffer's own slice would be a view): the save's bytes need not be 4-byte aligned here.
    const values = new Float32Array(
      Uint8Array.prototype.slice.call(data, offset, offset + size).buffer,
    );
    offset += size;
    const stored = encodeWeight(values, spec.shape, dtype, spec.name);
    parts.push(stored.bytes);
    out.push(stored.quantization ? { ...spec, quantization: stored.quantization } : { ...spec });
  }
  return { specs: out, data: Buffer.concat(parts) };
}

const VALUE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

function storedBytes(spec: StoredWeightSpec): number {
  const n = count(spec.shape);
  const q = spec.quantization?.dtype;
  if (q === 'int8') return n + 4 * (spec.shape[spec.shape.length - 1] ?? 0);
  const each = q ? QUANTIZED_BYTES[q] : VALUE_BYTES[spec.dtype];
  if (each === undefined) {
    throw new Error(`weight ${spec.name}: cannot read dtype ${q ?? spec.dtype} from weights.bin`);
  }
  return n * each;
}

/**
 * Dequantizes the int8 entries to float32 (once, at load, whatever the backend); other entries pass through
 * for tfjs's decoder. Without int8 entries the inputs come back untouched.
 */
export function decodeInt8Weights(
  specs: readonly StoredWeightSpec[],
  data: ArrayBuffer,
): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  if (!specs.some((s) => s.quantization?.dtype === 'int8')) {
    return { specs: specs as tf.io.WeightsManifestEntry[], data };
  }
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = storedBytes(spec);
    if (offset + size > data.byteLength) {
      throw new Error(`weights.bin ends inside weight ${spec.name}: truncated or not this model's`);
    }
    const { quantization, ...plain } = spec;
    if (quantization?.dtype === 'int8') {
      const n = count(spec.shape);
      const q = new Int8Array(data.slice(offset, offset + n));
      const scales = new Float32Array(data.slice(offset + n, offset + size));
      parts.push(bytesOf(dequantizeColumns({ q, scales })));
      out.push(plain);
    } else {
      parts.push(new Uint8Array(data, offset, size));
      out.push(spec as tf.io.WeightsManifestEntry);
    }
    offset += size;
  }
  const joined = Buffer.concat(parts);
  return {
    specs: out,
    data: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength),
  };
}
