/** A pretrained BERT encoder (post-LN: embeddings, then self-attention and GELU feed-forward blocks) running on any tfjs backend from weights in the project's encoder format. */
import * as tf from '@tensorflow/tfjs';
import { dense, layerNorm } from '../layers.ts';
import { attentionFits, wasmAttention } from '../wasm-attention.ts';
import { wasmSimdReady } from '../wasm-simd/register.ts';
import type { EncoderConfig, EncoderWeights } from './encoder-weights.ts';

/** Added to the attention scores of padding keys, so softmax gives them no weight. */
const MASKED = -1e9;

export interface BertInputs {
  /** Token ids [B, T] (int32). */
  ids: tf.Tensor2D;
  /** 1 for a real token, 0 for padding, [B, T]. */
  mask: tf.Tensor2D;
  /** Segment ids [B, T]; all zeros (one segment) when absent. */
  typeIds?: tf.Tensor2D;
}

export interface PaddedBatch {
  ids: Int32Array;
  mask: Int32Array;
  /** Rows × the longest row's length. */
  shape: [number, number];
}

/** Right-pads token id rows with 0 ([PAD]) into one [B, T] batch and its attention mask. */
export function padBatch(rows: readonly number[][]): PaddedBatch {
  const t = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * t);
  const mask = new Int32Array(rows.length * t);
  rows.forEach((row, i) => {
    ids.set(row, i * t);
    mask.fill(1, i * t, i * t + row.length);
  });
  return { ids, mask, shape: [rows.length, t] };
}

export interface BertEncoderOptions {
  /**
   * Round each dense layer's input to uint8 as the source graph does (when it does), to compute what
   * the published int8 graph computes. Off by default: that rounding takes one scale per batch, so a
   * text's states would depend on what it is batched with; the float forward of the dequantized
   * weights does not.
   */
  emulateQuantization?: boolean;
}

/**
 * ONNX DynamicQuantizeLinear and back: one uint8 scale and zero point for the whole tensor, the
 * range widened to include 0, round half to even (as tf.round does).
 */
function fakeQuantizeUint8(x: tf.Tensor): tf.Tensor {
  const low = tf.minimum(tf.min(x), 0);
  const high = tf.maximum(tf.max(x), 0);
  // A floor on the scale keeps an all-zero input at zero instead of 0/0.
  const scale = tf.maximum(tf.div(tf.sub(high, low), 255), 1e-30);
  const zero = tf.clipByValue(tf.round(tf.neg(tf.div(low, scale))), 0, 255);
  const q = tf.clipByValue(tf.add(tf.round(tf.div(x, scale)), zero), 0, 255);
  return tf.mul(tf.sub(q, zero), scale);
}

/** Looks up an encoder weight by its reference name (plain tensors here, layer variables when trained). */
export type WeightLookup = (name: string) => tf.Tensor;

/** The exact (erf) GELU the reference uses, not the tanh approximation. */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** The BERT arithmetic over any weight lookup; `quantize` rounds each dense input as the int8 graph does. */
export class BertMath {
  constructor(
    readonly config: EncoderConfig,
    private readonly p: WeightLookup,
    private readonly quantize = false,
  ) {}

  private norm(x: tf.Tensor, prefix: string): tf.Tensor {
    return layerNorm(
      x,
      this.p(`${prefix}.weight`),
      this.p(`${prefix}.bias`),
      this.config.layerNormEps,
    );
  }

  /** A dense layer's input as the source graph's product sees it. */
  private input(x: tf.Tensor): tf.Tensor {
    return this.quantize ? fakeQuantizeUint8(x) : x;
  }

  /** `x` must already have passed through input(): q, k and v share one quantized input. */
  private linear(x: tf.Tensor, prefix: string): tf.Tensor {
    return dense(x, this.p(`${prefix}.weight`), this.p(`${prefix}.bias`));
  }

  /** Word + segment + position embeddings, normalized: [B, T, hidden]. */
  embed({ ids, typeIds }: Omit<BertInputs, 'mask'>): tf.Tensor {
    const [, t] = ids.shape;
    if (t > this.config.maxPositions) {
      throw new Error(`${t} tokens exceed the encoder's ${this.config.maxPositions} positions`);
    }
    const types = typeIds ?? tf.zerosLike(ids);
    const words = tf.gather(this.p('embeddings.word_embeddings.weight'), ids);
    const segments = tf.gather(this.p('embeddings.token_type_embeddings.weight'), types);
    const positions = tf.slice(this.p('embeddings.position_embeddings.weight'), 0, t);
    return this.norm(tf.add(tf.add(words, segments), positions), 'embeddings.LayerNorm');
  }

  /** The additive attention bias [B, 1, 1, T] that gives padding keys no weight. */
  static maskBias(mask: tf.Tensor2D): tf.Tensor {
    const [b, t] = mask.shape;
    return tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, 'float32')), MASKED), [b, 1, 1, t]);
  }

  /**
   * Multi-head self-attention; `bias` [B, 1, 1, T] masks padding keys. Given the ids (a scorer's pass), on
   * wasm the products run in this project's packed attention kernel (wasm-attention.ts) instead.
   */
  private attend(x: tf.Tensor, bias: tf.Tensor, prefix: string, ids?: tf.Tensor): tf.Tensor {
    const [b, t] = x.shape as [number, number, number];
    const { hidden, heads } = this.config;
    const size = hidden / heads;
    const input = this.input(x);
    if (ids && wasmSimdReady(tf) && attentionFits(hidden, heads)) {
      const part = (name: string) => this.linear(input, `${prefix}.self.${name}`);
      const packed = tf.concat([part('query'), part('key'), part('value')], 2);
      const context = wasmAttention(tf, packed, ids, heads);
      return this.linear(this.input(context), `${prefix}.output.dense`);
    }
    const split = (part: string, order: number[]) =>
      tf.transpose(
        tf.reshape(this.linear(input, `${prefix}.self.${part}`), [b, t, heads, size]),
        order,
      );
    const q = split('query', [0, 2, 1, 3]);
    const kT = split('key', [0, 2, 3, 1]);
    const v = split('value', [0, 2, 1, 3]);
    const scores = tf.add(tf.div(tf.matMul(q, kT), Math.sqrt(size)), bias);
    const context = tf.transpose(tf.matMul(tf.softmax(scores, -1), v), [0, 2, 1, 3]);
    return this.linear(this.input(tf.reshape(context, [b, t, hidden])), `${prefix}.output.dense`);
  }

  /**
   * Encoder layer `l` (attention, then feed-forward, each post-LN with a residual). `ids`: only from a
   * scorer's pass, whose attention may take the wasm kernel (attend).
   */
  layer(x: tf.Tensor, bias: tf.Tensor, l: number, ids?: tf.Tensor): tf.Tensor {
    const p = `encoder.layer.${l}`;
    const a = this.norm(
      tf.add(this.attend(x, bias, `${p}.attention`, ids), x),
      `${p}.attention.output.LayerNorm`,
    );
    const inner = gelu(this.linear(this.input(a), `${p}.intermediate.dense`));
    return this.norm(
      tf.add(this.linear(this.input(inner), `${p}.output.dense`), a),
      `${p}.output.LayerNorm`,
    );
  }
}

export class BertEncoder {
  readonly config: EncoderConfig;
  private readonly params: Map<string, tf.Tensor>;
  private readonly math: BertMath;

  constructor(weights: EncoderWeights, options: BertEncoderOptions = {}) {
    this.config = weights.config;
    this.params = new Map(
      [...weights.tensors].map(([name, t]) => [name, tf.tensor(t.values, t.shape)]),
    );
    const quantize = weights.config.dynamicQuantization && (options.emulateQuantization ?? false);
    this.math = new BertMath(weights.config, (name) => this.p(name), quantize);
  }

  private p(name: string): tf.Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`encoder weight ${name} missing`);
    return t;
  }

  /** Last hidden states [B, T, hidden] for a padded batch. */
  forward(inputs: BertInputs): tf.Tensor3D {
    return tf.tidy(() => {
      const bias = BertMath.maskBias(inputs.mask);
      let x = this.math.embed(inputs);
      for (let l = 0; l < this.config.layers; l++) x = this.math.layer(x, bias, l);
      return x as tf.Tensor3D;
    });
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }
}
