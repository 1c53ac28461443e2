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

/** The v128 scratch locals that exp4 and sigmoid4 use: declare them in any function that calls either. */
export const EXP_LOCALS =
  '(local $ex v128) (local $ek v128) (local $er v128) (local $ey v128) (local $elow v128)';

/**
 * e^x per lane of the v128 expression `x`, written inline so that each use is straight-line code (Node 20's
 * V8 does not inline wasm calls): the Cephes single-precision recipe, x = k·ln 2 + r, e^r by a degree-6
 * polynomial, 2^k built in the exponent bits. Lanes below −87.3 give 0; lanes above 88.3 are taken as
 * 88.3, whose e^x (about 2e38) still fits a float. Uses EXP_LOCALS; `x` is evaluated first, so it may
 * itself hold an exp4.
 */
export const exp4 = (x: string) => `(block (result v128)
    (local.set $ex ${x})
    (local.set $elow (f32x4.lt (local.get $ex) ${splat4('-87.3')}))
    (local.set $ex (f32x4.min (f32x4.max (local.get $ex) ${splat4('-87.3')}) ${splat4('88.3')}))
    (local.set $ek (f32x4.floor (f32x4.add (f32x4.mul (local.get $ex) ${splat4('1.44269504088896341')}) ${splat4('0.5')})))
    (local.set $er (f32x4.sub
      (f32x4.sub (local.get $ex) (f32x4.mul (local.get $ek) ${splat4('0.693359375')}))
      (f32x4.mul (local.get $ek) ${splat4('-2.12194440e-4')})))
    (local.set $ey ${splat4('1.9875691500e-4')})
    ${[
      '1.3981999507e-3',
      '8.3334519073e-3',
      '4.1665795894e-2',
      '1.6666665459e-1',
      '5.0000001201e-1',
    ]
      .map(
        (c) =>
          `(local.set $ey (f32x4.add (f32x4.mul (local.get $ey) (local.get $er)) ${splat4(c)}))`,
      )
      .join('\n    ')}
    (local.set $ey (f32x4.add
      (f32x4.add (f32x4.mul (local.get $ey) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er))
      ${splat4('1')}))
    (v128.bitselect
      ${splat4('0')}
      (f32x4.mul (local.get $ey)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $ek)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (local.get $elow)))`;

/** 1 / (1 + e^−x) per lane of `x`, inline (EXP_LOCALS). */
export const sigmoid4 = (x: string) =>
  `(f32x4.div ${splat4('1')} (f32x4.add ${splat4('1')} ${exp4(`(f32x4.neg ${x})`)}))`;
