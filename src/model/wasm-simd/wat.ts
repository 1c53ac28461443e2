/**
 * Helpers for writing the WebAssembly text of the SIMD kernels (wasm-simd/module.ts): loops, lane reductions,
 * and e^x and the sigmoid four lanes at a time.
 */

/** A loop of local $v from 0 while below `limit`, `step` at a time, around `body`. */
export const forLoop = (v: string, limit: string, step: number, body: string) => `
    (local.set $${v} (i32.const 0))
    (block $${v}_done (loop $${v}_next
      (br_if $${v}_done (i32.ge_u (local.get $${v}) ${limit}))
      ${body}
      (local.set $${v} (i32.add (local.get $${v}) (i32.const ${step})))
      (br $${v}_next)))`;

/** The lanes of v128 $x reduced by the f32 operation `op`. */
export const lanes = (op: string, x: string) => `(${op}
  (${op} (f32x4.extract_lane 0 (local.get ${x})) (f32x4.extract_lane 1 (local.get ${x})))
  (${op} (f32x4.extract_lane 2 (local.get ${x})) (f32x4.extract_lane 3 (local.get ${x}))))`;

/** An f32x4 constant with the same value in every lane. */
export const splat4 = (value: string) => `(v128.const f32x4 ${value} ${value} ${value} ${value})`;

/**
 * $exp: e^x per lane, by the Cephes single-precision recipe: x = k·ln 2 + r, e^r by a degree-6 polynomial,
 * 2^k built in the exponent bits. Lanes below −87.3 give 0; lanes above 88.3 are taken as 88.3, whose e^x
 * (about 2e38) still fits a float. $sigmoid: 1 / (1 + e^−x).
 */
export const EXP_FUNCS = `
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $y v128) (local $low v128)
    (local.set $low (f32x4.lt (local.get $x) ${splat4('-87.3')}))
    (local.set $x (f32x4.min (f32x4.max (local.get $x) ${splat4('-87.3')}) ${splat4('88.3')}))
    (local.set $k (f32x4.floor (f32x4.add (f32x4.mul (local.get $x) ${splat4('1.44269504088896341')}) ${splat4('0.5')})))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) ${splat4('0.693359375')}))
      (f32x4.mul (local.get $k) ${splat4('-2.12194440e-4')})))
    (local.set $y ${splat4('1.9875691500e-4')})
    ${[
      '1.3981999507e-3',
      '8.3334519073e-3',
      '4.1665795894e-2',
      '1.6666665459e-1',
      '5.0000001201e-1',
    ]
      .map(
        (c) => `(local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) ${splat4(c)}))`,
      )
      .join('\n    ')}
    (local.set $y (f32x4.add
      (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      ${splat4('1')}))
    (v128.bitselect
      ${splat4('0')}
      (f32x4.mul (local.get $y)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (local.get $low)))
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div ${splat4('1')} (f32x4.add ${splat4('1')} (call $exp (f32x4.neg (local.get $x))))))`;
