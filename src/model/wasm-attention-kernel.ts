/**
 * The two products of multi-head self-attention as a small WebAssembly SIMD module of this project's own,
 * for scoring on the wasm backend. tfjs-wasm runs a batched product whose operands both change per text
 * (q·kᵀ and p·v) on a plain scalar loop at 1–2 GFLOP/s, and reaching it costs four head transposes and
 * three slices; on the stream's texts that was a third of a scoring pass. These functions read the packed
 * [B, T, 3·D] projection in place, head by head, four lanes at a time, and skip the padding keys.
 *
 * The module is WebAssembly text compiled at load by wabt (a registry package), with a memory of its own:
 * the caller copies the projection in and the context out (wasm-attention.ts).
 */
import wabtInit from 'wabt';

/**
 * Three functions over byte offsets in the module's memory; a text b has lens[b] keys before its padding, and
 * each score row (b, h, t) holds T values, `stride` bytes apart (a multiple of 16):
 * - scores(qkv, s, scale, …): s[b, h, t, u] = scale · q[b, t, h] · k[b, u, h] for u < lens[b];
 * - softmax(s, …): each row's first lens[b] values become their softmax, in place (lanes past them, 0);
 * - context(qkv, p, out, …): out[b, t, h] = Σ_{u < lens[b]} p[b, h, t, u] · v[b, u, h].
 * q, k and v are the three D-wide thirds of a qkv row; a head is D/H wide, a multiple of 4.
 */
/** A loop of local $v from 0 while below `limit`, `step` at a time, around `body`. */
const forLoop = (v: string, limit: string, step: number, body: string) => `
    (local.set $${v} (i32.const 0))
    (block $${v}_done (loop $${v}_next
      (br_if $${v}_done (i32.ge_u (local.get $${v}) ${limit}))
      ${body}
      (local.set $${v} (i32.add (local.get $${v}) (i32.const ${step})))
      (br $${v}_next)))`;

/** `body` for every score row (b, h, t) in order, with $n = lens[b]; then $row moves on by $stride bytes. */
const overScoreRows = (body: string) =>
  forLoop(
    'b',
    '(local.get $B)',
    1,
    `(local.set $n (i32.load (i32.add (local.get $lens) (i32.shl (local.get $b) (i32.const 2)))))
    ${forLoop(
      'h',
      '(local.get $H)',
      1,
      forLoop(
        't',
        '(local.get $T)',
        1,
        `${body}
        (local.set $row (i32.add (local.get $row) (local.get $stride)))`,
      ),
    )}`,
  );

/** The shapes every function takes, and the loop counters and widths they share. */
const SHAPE_PARAMS =
  '(param $lens i32) (param $B i32) (param $T i32) (param $D i32) (param $H i32) (param $stride i32)';
const ROW_LOCALS = `(local $b i32) (local $h i32) (local $t i32) (local $u i32) (local $i i32) (local $n i32)
    (local $dh4 i32) (local $row4 i32) (local $acc v128)`;
/** Sets a head's width and a qkv row's, in bytes. */
const ROW_SETUP = `
    (local.set $dh4 (i32.shl (i32.div_u (local.get $D) (local.get $H)) (i32.const 2)))
    (local.set $row4 (i32.mul (local.get $D) (i32.const 12)))`;

/** Byte offset in qkv of token u of text b, `third` (0 q, 1 k, 2 v) of its row, head h. */
const headAt = (u: string, third: number) => `(i32.add (local.get $qkv)
  (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) ${u}) (local.get $row4))
           (i32.add (i32.mul (local.get $D) (i32.const ${third * 4})) (i32.mul (local.get $h) (local.get $dh4)))))`;

/** The lanes of v128 $x reduced by the f32 operation `op`. */
const lanes = (op: string, x: string) => `(${op}
  (${op} (f32x4.extract_lane 0 (local.get ${x})) (f32x4.extract_lane 1 (local.get ${x})))
  (${op} (f32x4.extract_lane 2 (local.get ${x})) (f32x4.extract_lane 3 (local.get ${x}))))`;

/** Which lanes of the 4 values at byte $u of a row lie before its $n-th value. */
const VALID = `(local.set $valid (i32x4.lt_s
  (i32x4.add (i32x4.splat (i32.shr_u (local.get $u) (i32.const 2))) (v128.const i32x4 0 1 2 3))
  (i32x4.splat (local.get $n))))`;

const ATTENTION_WAT = `
(module
  (memory (export "memory") 1)
  (func (export "scores") (param $qkv i32) (param $row i32) (param $scale f32) ${SHAPE_PARAMS}
    ${ROW_LOCALS} (local $q i32) (local $k i32)
    ${ROW_SETUP}
    ${overScoreRows(`
      (local.set $q ${headAt('(local.get $t)', 0)})
      ${forLoop(
        'u',
        '(local.get $n)',
        1,
        `(local.set $k ${headAt('(local.get $u)', 1)})
        (local.set $acc (v128.const f32x4 0 0 0 0))
        ${forLoop(
          'i',
          '(local.get $dh4)',
          16,
          `(local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $i)))
                       (v128.load (i32.add (local.get $k) (local.get $i))))))`,
        )}
        (f32.store (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2)))
          (f32.mul (local.get $scale) ${lanes('f32.add', '$acc')}))`,
      )}`)})
  ;; e^x per lane, by the Cephes single-precision recipe: x = k·ln 2 + r, e^r by a degree-6 polynomial,
  ;; 2^k built in the exponent bits. Lanes below −87.3 (where e^x leaves float32's normal range) give 0.
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $y v128) (local $low v128)
    (local.set $low (f32x4.lt (local.get $x) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)))
    (local.set $x (f32x4.max (local.get $x) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)))
    (local.set $k (f32x4.floor (f32x4.add
      (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
      (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $y (f32x4.add
      (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    (v128.bitselect
      (v128.const f32x4 0 0 0 0)
      (f32x4.mul (local.get $y)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (local.get $low)))
  (func (export "softmax") (param $row i32) ${SHAPE_PARAMS}
    ${ROW_LOCALS} (local $nb i32) (local $valid v128) (local $e v128) (local $mx f32) (local $inv f32)
    ${ROW_SETUP}
    ${overScoreRows(`
      (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
      ;; the row's largest value
      (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
      ${forLoop(
        'u',
        '(local.get $nb)',
        16,
        `${VALID}
        (local.set $acc (f32x4.max (local.get $acc)
          (v128.bitselect (v128.load (i32.add (local.get $row) (local.get $u)))
                          (v128.const f32x4 -inf -inf -inf -inf) (local.get $valid))))`,
      )}
      (local.set $mx ${lanes('f32.max', '$acc')})
      ;; e^(x − max), 0 past the row's values, and their sum
      (local.set $acc (v128.const f32x4 0 0 0 0))
      ${forLoop(
        'u',
        '(local.get $nb)',
        16,
        `${VALID}
        (local.set $e (v128.and (local.get $valid)
          (call $exp (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $u))) (f32x4.splat (local.get $mx))))))
        (v128.store (i32.add (local.get $row) (local.get $u)) (local.get $e))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))`,
      )}
      (local.set $inv (f32.div (f32.const 1) ${lanes('f32.add', '$acc')}))
      ${forLoop(
        'u',
        '(local.get $nb)',
        16,
        `(v128.store (i32.add (local.get $row) (local.get $u))
          (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $u))) (f32x4.splat (local.get $inv))))`,
      )}`)})
  (func (export "context") (param $qkv i32) (param $row i32) (param $out i32) ${SHAPE_PARAMS}
    ${ROW_LOCALS} (local $v i32) (local $o i32)
    ${ROW_SETUP}
    ${overScoreRows(`
      ;; out of (b, t, h): rows of D
      (local.set $o (i32.add (local.get $out)
        (i32.add (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $D)) (i32.const 2))
                 (i32.mul (local.get $h) (local.get $dh4)))))
      ${forLoop(
        'i',
        '(local.get $dh4)',
        16,
        `(local.set $v (i32.add ${headAt('(i32.const 0)', 2)} (local.get $i)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        ${forLoop(
          'u',
          '(local.get $n)',
          1,
          `(local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2)))))
                       (v128.load (local.get $v)))))
          (local.set $v (i32.add (local.get $v) (local.get $row4)))`,
        )}
        (v128.store (i32.add (local.get $o) (local.get $i)) (local.get $acc))`,
      )}`)})
)`;

export interface AttentionKernel {
  memory: WebAssembly.Memory;
  scores(qkv: number, s: number, scale: number, ...shape: Shape): void;
  softmax(s: number, ...shape: Shape): void;
  context(qkv: number, p: number, out: number, ...shape: Shape): void;
}

/** lens (byte offset of B int32 key counts), B, T, D, H, and the score rows' stride in bytes. */
type Shape = [lens: number, b: number, t: number, d: number, h: number, stride: number];

let compiled: Promise<AttentionKernel> | undefined;

/** Compiles and instantiates the module once per thread. */
export function attentionKernel(): Promise<AttentionKernel> {
  compiled ??= (async () => {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('attention.wat', ATTENTION_WAT, { simd: true });
    try {
      parsed.validate();
      const { buffer } = parsed.toBinary({});
      const instance = await WebAssembly.instantiate(
        await WebAssembly.compile(new Uint8Array(buffer)),
      );
      return instance.exports as unknown as AttentionKernel;
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}
