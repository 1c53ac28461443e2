/**
 * Multi-head self-attention's two products and its softmax in WebAssembly text, for scoring on the wasm
 * backend (wasm-attention.ts registers them as one tfjs kernel). tfjs-wasm runs a batched product whose
 * operands both change per text (q·kᵀ and p·v) on a plain scalar loop at 1–2 GFLOP/s, and reaching it
 * costs four head transposes and three slices; on the stream's texts that was a third of a scoring pass.
 * These read the packed [B, T, 3·D] projection in place, head by head, four lanes at a time, and skip the
 * padding keys.
 */
import { EXP_LOCALS, exp4, forLoop, lanes } from './wat.ts';

/**
 * Three functions over byte offsets in the module's memory; a text b has lens[b] keys before its padding, and
 * each score row (b, h, t) holds T values, `stride` bytes apart (a multiple of 16):
 * - scores(qkv, s, scale, …): s[b, h, t, u] = scale · q[b, t, h] · k[b, u, h] for u < lens[b];
 * - softmax(s, …): each row's first lens[b] values become their softmax, in place (lanes past them, 0);
 * - context(qkv, p, out, …): out[b, t, h] = Σ_{u < lens[b]} p[b, h, t, u] · v[b, u, h].
 * q, k and v are the three D-wide thirds of a qkv row; a head is D/H wide, a multiple of 4.
 */
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

/** Which lanes of the 4 values at byte $u of a row lie before its $n-th value. */
const VALID = `(local.set $valid (i32x4.lt_s
  (i32x4.add (i32x4.splat (i32.shr_u (local.get $u) (i32.const 2))) (v128.const i32x4 0 1 2 3))
  (i32x4.splat (local.get $n))))`;

export const ATTENTION_FUNCS = `
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
  (func (export "softmax") (param $row i32) ${SHAPE_PARAMS}
    ${ROW_LOCALS} (local $nb i32) (local $valid v128) (local $e v128) (local $mx f32) (local $inv f32)
    ${EXP_LOCALS}
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
          ${exp4('(f32x4.sub (v128.load (i32.add (local.get $row) (local.get $u))) (f32x4.splat (local.get $mx)))')}))
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
      )}`)})`;
