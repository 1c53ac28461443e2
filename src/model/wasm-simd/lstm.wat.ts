/**
 * The BiLSTM's recurrence to its final states in WebAssembly text, for scoring on the wasm backend
 * (wasm-lstm.ts registers it as one tfjs kernel). The stock step loop issues about 17 tfjs ops per time
 * step, each a pass over the whole batch; here each text runs its own steps, only up to its length, with
 * the recurrent product and the gates four lanes at a time.
 */
import { EXP_LOCALS, forLoop, sigmoid4 } from './wat.ts';

const v128At = (address: string) => `(v128.load ${address})`;

/**
 * bilstmFinal(proj, wh, lens, out, hc, z, B, T, U): out[b] = [h_fwd; h_bwd] after text b's max(lens[b], 1)
 * steps, as BiLstm's step loop computes them. proj [B·T, 8U]: the input projection of each position (gate
 * blocks [i, f, o, g], each [fwd U | bwd U]); the forward direction reads position s at step s, the backward one
 * position lens[b] − 1 − s. wh [2U, 8U]: the recurrent weights, of which each direction reads its own block.
 * hc and z: scratch of 4U floats each. U is a multiple of 16.
 */
export const LSTM_FUNCS = `
  (func (export "bilstmFinal")
    (param $proj i32) (param $wh i32) (param $lens i32) (param $out i32) (param $hc i32) (param $z i32)
    (param $B i32) (param $T i32) (param $U i32)
    (local $b i32) (local $s i32) (local $d i32) (local $q i32) (local $tile i32) (local $k i32) (local $i i32)
    (local $len i32) (local $n i32) (local $rowBytes i32) (local $u4 i32) (local $rowp i32) (local $hptr i32)
    (local $cptr i32) (local $colb i32) (local $wp i32) (local $zp i32)
    (local $hk v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $c v128)
    ${EXP_LOCALS}
    (local.set $u4 (i32.shl (local.get $U) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $U) (i32.const 5)))
    ${forLoop(
      'b',
      '(local.get $B)',
      1,
      `(local.set $len (i32.load (i32.add (local.get $lens) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $n (select (local.get $len) (i32.const 1) (i32.gt_s (local.get $len) (i32.const 0))))
      ${forLoop('i', '(i32.shl (local.get $u4) (i32.const 2))', 16, '(v128.store (i32.add (local.get $hc) (local.get $i)) (v128.const i32x4 0 0 0 0))')}
      ${forLoop(
        's',
        '(local.get $n)',
        1,
        forLoop(
          'd',
          '(i32.const 2)',
          1,
          `(local.set $rowp (i32.add (local.get $proj) (i32.mul (local.get $rowBytes)
            (i32.add (i32.mul (local.get $b) (local.get $T))
              (if (result i32) (i32.and (local.get $d) (i32.gt_s (local.get $len) (i32.const 0)))
                (then (i32.sub (i32.sub (local.get $len) (i32.const 1)) (local.get $s)))
                (else (local.get $s)))))))
          (local.set $hptr (i32.add (local.get $hc) (i32.mul (local.get $d) (local.get $u4))))
          (local.set $cptr (i32.add (local.get $hc) (i32.mul (i32.add (local.get $d) (i32.const 2)) (local.get $u4))))
          ;; z = the projection of this step + h · this direction's block of wh, gate by gate, 16 columns at a time
          ${forLoop(
            'q',
            '(i32.const 4)',
            1,
            forLoop(
              'tile',
              '(local.get $u4)',
              64,
              `(local.set $colb (i32.add (local.get $tile)
                (i32.mul (i32.add (i32.shl (local.get $q) (i32.const 1)) (local.get $d)) (local.get $u4))))
              (local.set $a0 ${v128At('(i32.add (local.get $rowp) (local.get $colb))')})
              (local.set $a1 ${v128At('(i32.add (local.get $rowp) (i32.add (local.get $colb) (i32.const 16)))')})
              (local.set $a2 ${v128At('(i32.add (local.get $rowp) (i32.add (local.get $colb) (i32.const 32)))')})
              (local.set $a3 ${v128At('(i32.add (local.get $rowp) (i32.add (local.get $colb) (i32.const 48)))')})
              (local.set $wp (i32.add (i32.add (local.get $wh) (local.get $colb))
                (i32.mul (i32.mul (local.get $d) (local.get $U)) (local.get $rowBytes))))
              ${forLoop(
                'k',
                '(local.get $u4)',
                4,
                `(local.set $hk (f32x4.splat (f32.load (i32.add (local.get $hptr) (local.get $k)))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $hk) ${v128At('(local.get $wp)')})))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $hk) ${v128At('(i32.add (local.get $wp) (i32.const 16))')})))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $hk) ${v128At('(i32.add (local.get $wp) (i32.const 32))')})))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $hk) ${v128At('(i32.add (local.get $wp) (i32.const 48))')})))
                (local.set $wp (i32.add (local.get $wp) (local.get $rowBytes)))`,
              )}
              (local.set $zp (i32.add (local.get $z) (i32.add (i32.mul (local.get $q) (local.get $u4)) (local.get $tile))))
              (v128.store (local.get $zp) (local.get $a0))
              (v128.store (i32.add (local.get $zp) (i32.const 16)) (local.get $a1))
              (v128.store (i32.add (local.get $zp) (i32.const 32)) (local.get $a2))
              (v128.store (i32.add (local.get $zp) (i32.const 48)) (local.get $a3))`,
            ),
          )}
          ;; c = σ(f)·c + σ(i)·(2σ(g) − 1); h = σ(o)·(2σ(2c) − 1), as the step loop's tanh
          ${forLoop(
            'i',
            '(local.get $u4)',
            16,
            `(local.set $c (f32x4.add
              (f32x4.mul ${sigmoid4(v128At('(i32.add (local.get $z) (i32.add (local.get $u4) (local.get $i)))'))}
                         ${v128At('(i32.add (local.get $cptr) (local.get $i))')})
              (f32x4.mul ${sigmoid4(v128At('(i32.add (local.get $z) (local.get $i))'))}
                         (f32x4.sub (f32x4.mul ${sigmoid4(v128At('(i32.add (local.get $z) (i32.add (i32.mul (local.get $u4) (i32.const 3)) (local.get $i)))'))}
                                               (v128.const f32x4 2 2 2 2))
                                    (v128.const f32x4 1 1 1 1)))))
            (v128.store (i32.add (local.get $cptr) (local.get $i)) (local.get $c))
            (v128.store (i32.add (local.get $hptr) (local.get $i))
              (f32x4.mul ${sigmoid4(v128At('(i32.add (local.get $z) (i32.add (i32.shl (local.get $u4) (i32.const 1)) (local.get $i)))'))}
                         (f32x4.sub (f32x4.mul ${sigmoid4('(f32x4.add (local.get $c) (local.get $c))')} (v128.const f32x4 2 2 2 2))
                                    (v128.const f32x4 1 1 1 1))))`,
          )}`,
        ),
      )}
      ;; out[b] = the first 2U values of hc: [h_fwd; h_bwd]
      ${forLoop(
        'i',
        '(i32.shl (local.get $u4) (i32.const 1))',
        16,
        `(v128.store (i32.add (i32.add (local.get $out) (i32.mul (local.get $b) (i32.shl (local.get $u4) (i32.const 1)))) (local.get $i))
          ${v128At('(i32.add (local.get $hc) (local.get $i))')})`,
      )}`,
    )})`;
