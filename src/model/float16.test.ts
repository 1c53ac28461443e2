// Float32 → float16 bits: exact values, rounding to nearest even, overflow to infinity, subnormals and underflow to zero, read back by tfjs's own decoder.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { float16Bits, toFloat16 } from './float16.ts';

describe('float16 storage', () => {
  it('encodes exact values, rounds ties to even, overflows to ±Infinity and keeps subnormals', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(Number.NaN) & 0x7e00).toBe(0x7e00);
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(2 ** -26)).toBe(0);
  });

  it('round-trips through tfjs weight decoding within float16 precision', () => {
    const values = new Float32Array([0.1, -Math.PI, 1234.5, 1e-5, 0]);
    const [decoded] = Object.values(
      tf.io.decodeWeights(toFloat16(values).buffer as ArrayBuffer, [
        { name: 'w', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
      ]),
    );
    const back = decoded?.dataSync() ?? new Float32Array();
    for (const [i, v] of values.entries()) {
      expect(Math.abs((back[i] ?? 0) - v)).toBeLessThanOrEqual(Math.abs(v) / 1024 + 1e-7);
    }
  });
});
