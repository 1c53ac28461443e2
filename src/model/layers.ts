/**
 * The model's custom layers (embeddings, self-attention encoder block, fused-gate BiLSTM, masked pooling,
 * fusion, dropout), written against tfjs core ops so their gradients avoid tfjs's slow paths, and
 * registered for serialization so a saved model loads back bit-identical.
 */
import * as tf from '@tensorflow/tfjs';
import { NATIVE_BACKEND_NAME } from './native-backend.ts';
import { nativeBiLstmStates, nativeLstmAvailable } from './native-lstm.ts';
import { attentionFits, wasmAttention } from './wasm-attention.ts';
import { lstmFits, wasmBiLstmFinal } from './wasm-lstm.ts';
import { wasmSimdReady } from './wasm-simd/register.ts';

export type Shape = Array<number | null>;

/**
 * The dropout noise of one training epoch: each dropout draws its mask from the next seed of a
 * sequence, so a run with the same seed drops the same units at every step. The trainer creates it
 * and passes it to the layers in the call arguments of `model.apply` (see `TrainingArgs`).
 */
export class DropoutNoise {
  private nextSeed: number;

  constructor(seed: number) {
    this.nextSeed = seed;
  }

  /** Epoch `epoch` of a run seeded `runSeed`: each epoch restarts its own sequence. */
  static forEpoch(runSeed: number, epoch: number): DropoutNoise {
    return new DropoutNoise(runSeed * 100_003 + epoch * 7919);
  }

  drop(x: tf.Tensor, rate: number): tf.Tensor {
    return tf.dropout(x, rate, undefined, this.nextSeed++);
  }
}

/** The call arguments of a training step's `model.apply`: tfjs hands them to every layer's `call`. */
export interface TrainingArgs {
  training: true;
  noise: DropoutNoise;
}

export type CallArgs = Record<string, unknown> | undefined;

/** `x` with dropout when the call is a training one, else `x` itself. */
export function maybeDropout(x: tf.Tensor, rate: number, args: CallArgs): tf.Tensor {
  if (args?.training !== true || rate <= 0) return x;
  const { noise } = args;
  if (!(noise instanceof DropoutNoise)) {
    throw new Error('a training call needs { training: true, noise: DropoutNoise } to repeat');
  }
  return noise.drop(x, rate);
}

/**
 * The seed of an initializer whose base seed is `base`, in a build with init-seed offset `offset`: the
 * members of an ensemble are built with different offsets, so they start from different weights yet
 * each build repeats. Layers with random initial weights take the offset as their constructor's second
 * argument (0 when absent, as for a loaded model, which reads its weights).
 */
export function initSeed(base: number, offset: number): number {
  return base + offset * 1000;
}

/** An initializer that yields the given values (shaped by the weight it initializes). */
export function valuesInitializer(
  values: Float32Array,
  className: string,
): ReturnType<typeof tf.initializers.zeros> {
  return {
    apply: (shape: number[]) => tf.tensor(values, shape),
    getClassName: () => className,
  } as unknown as ReturnType<typeof tf.initializers.zeros>;
}

const NEG_INF = -1e9;

export function first(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!x) throw new Error('layer called without inputs');
  return x;
}

export function second(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(inputs) || !inputs[1]) throw new Error('layer needs [x, ids] inputs');
  return inputs[1];
}

export function shapeList(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

/** 1 for real tokens, 0 for padding, as float32 [B, T]. */
export function paddingMask(ids: tf.Tensor): tf.Tensor2D {
  return tf.cast(tf.notEqual(ids, 0), 'float32') as tf.Tensor2D;
}

/**
 * Embedding lookup whose gradient is a scatter-add computed directly, instead of tfjs's
 * unsortedSegmentSum (missing on wasm, a loop over the whole vocabulary on cpu).
 */
export const embeddingLookup = tf.customGrad(((
  table: tf.Tensor,
  ids: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  save([ids]);
  const value = tf.gather(table, ids);
  const [vocab, dim] = table.shape as [number, number];
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const idsSaved = saved[0];
    if (!idsSaved) throw new Error('embedding gradient lost its ids');
    const idx = idsSaved.dataSync();
    const g = dy.dataSync();
    const out = new Float32Array(vocab * dim);
    for (let n = 0; n < idx.length; n++) {
      const row = (idx[n] ?? 0) * dim;
      const src = n * dim;
      for (let d = 0; d < dim; d++) out[row + d] = (out[row + d] ?? 0) + (g[src + d] ?? 0);
    }
    return [tf.tensor2d(out, [vocab, dim]), tf.zerosLike(idsSaved)];
  };
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  table: tf.Tensor,
  ids: tf.Tensor,
) => tf.Tensor;

/** Layer normalization over the last axis; `eps` is the variance floor (pretrained BERTs use 1e-12). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** `product` of x's rows [N, in] with w [in, out], reshaped back to x's leading dimensions. */
function overRows(
  x: tf.Tensor,
  w: tf.Tensor,
  product: (rows: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor,
): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1] ?? 0;
  const outDim = w.shape[1] ?? 0;
  const lead = x.shape.slice(0, -1);
  const y = product(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w as tf.Tensor2D);
  return lead.length === 1 ? y : tf.reshape(y, [...lead, outDim]);
}

/** x [..., in] · w [in, out] + b, through a 2-D matmul (the fast path on every backend). */
export function dense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return overRows(x, w, (rows, w2) => tf.add(tf.matMul(rows, w2), b));
}

/**
 * `dense` through the backend's fused product, for scoring: the bias add (and a ReLU) run in the product's
 * epilogue instead of as passes of their own over its output. Not for training: the sums round alike, but
 * the training path keeps its ops, so retraining repeats its bytes.
 */
export function denseFused(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor {
  return overRows(x, w, (rows, w2) => tf.fused.matMul({ a: rows, b: w2, bias: b, activation }));
}

/**
 * Whether a pass takes the fused products: a scorer's (forScoring) inference pass, off native TensorFlow.
 * On wasm the separate bias adds and ReLU cost about a sixth of a pass; native measured level with them
 * (0.975–1.03), so it keeps its ops.
 */
function fusedProducts(forScoring: boolean, training: boolean): boolean {
  return forScoring && !training && tf.getBackend() !== NATIVE_BACKEND_NAME;
}

export interface TokenPositionEmbeddingConfig {
  vocabSize: number;
  maxLen: number;
  dim: number;
  dropout?: number;
  name?: string;
}

export class TokenPositionEmbedding extends tf.layers.Layer {
  static className = 'BwTokenPositionEmbedding';
  protected readonly cfg: TokenPositionEmbeddingConfig;
  private tok?: tf.LayerVariable;
  private pos?: tf.LayerVariable;

  constructor(
    config: TokenPositionEmbeddingConfig,
    protected readonly seedOffset = 0,
  ) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override build(): void {
    // The token weights first, then the position table: the order weights are saved and set in.
    this.buildTokens();
    this.pos = this.addWeight(
      'pos',
      [this.cfg.maxLen, this.cfg.dim],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: initSeed(12, this.seedOffset) }),
    );
    this.built = true;
  }

  /** Adds the weights `tokens` reads: here one table, vocabulary × dim. */
  protected buildTokens(): void {
    const init = tf.initializers.randomNormal({
      mean: 0,
      stddev: 0.05,
      seed: initSeed(11, this.seedOffset),
    });
    this.tok = this.addWeight('tok', [this.cfg.vocabSize, this.cfg.dim], 'float32', init);
  }

  /** Each id's token vector, [B, T, dim]. */
  protected tokens(ids: tf.Tensor): tf.Tensor {
    if (!this.tok) throw new Error('embedding not built');
    return embeddingLookup(this.tok.read(), ids);
  }

  /** The position table, maxLen × dim. */
  positionTable(): tf.Tensor {
    if (!this.pos) throw new Error('embedding not built');
    return this.pos.read();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null, null];
    return [s[0] ?? null, s[1] ?? null, this.cfg.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], args?: CallArgs): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(first(inputs), 'int32');
      const t = ids.shape[1] ?? 0;
      const positions = tf.slice(this.positionTable(), [0, 0], [t, this.cfg.dim]);
      return maybeDropout(tf.add(this.tokens(ids), positions), this.cfg.dropout ?? 0, args);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface EncoderBlockConfig {
  dim: number;
  heads: number;
  ffDim: number;
  dropout?: number;
  name?: string;
}

/**
 * One pre-norm Transformer encoder block: masked multi-head self-attention and a ReLU feed-forward,
 * each with a residual. Inputs [x [B,T,D], ids [B,T]]; padding keys get −1e9 before the softmax.
 */
export class EncoderBlock extends tf.layers.Layer {
  static className = 'BwEncoderBlock';
  private readonly cfg: EncoderBlockConfig;
  private w: Record<string, tf.LayerVariable> = {};
  /**
   * Set for a scorer's model only (markForScoring): off native TensorFlow its passes take the fused products
   * (denseFused), and on wasm attention runs in this project's kernel (wasm-attention.ts).
   */
  forScoring = false;

  constructor(
    config: EncoderBlockConfig,
    private readonly seedOffset = 0,
  ) {
    super(config.name ? { name: config.name } : {});
    if (config.dim % config.heads !== 0) throw new Error('dim must be divisible by heads');
    this.cfg = config;
  }

  override build(): void {
    const { dim, ffDim } = this.cfg;
    const glorot = (seed: number) =>
      tf.initializers.glorotUniform({ seed: initSeed(seed, this.seedOffset) });
    const zeros = tf.initializers.zeros();
    const ones = tf.initializers.ones();
    this.w = {
      ln1g: this.addWeight('ln1_gamma', [dim], 'float32', ones),
      ln1b: this.addWeight('ln1_beta', [dim], 'float32', zeros),
      wqkv: this.addWeight('wqkv', [dim, 3 * dim], 'float32', glorot(21)),
      bqkv: this.addWeight('bqkv', [3 * dim], 'float32', zeros),
      wo: this.addWeight('wo', [dim, dim], 'float32', glorot(22)),
      bo: this.addWeight('bo', [dim], 'float32', zeros),
      ln2g: this.addWeight('ln2_gamma', [dim], 'float32', ones),
      ln2b: this.addWeight('ln2_beta', [dim], 'float32', zeros),
      w1: this.addWeight('w1', [dim, ffDim], 'float32', glorot(23)),
      b1: this.addWeight('b1', [ffDim], 'float32', zeros),
      w2: this.addWeight('w2', [ffDim, dim], 'float32', glorot(24)),
      b2: this.addWeight('b2', [dim], 'float32', zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapeList(inputShape)[0] ?? [null, null, this.cfg.dim];
  }

  private v(name: string): tf.Tensor {
    const w = this.w[name];
    if (!w) throw new Error(`encoder weight ${name} missing`);
    return w.read();
  }

  override call(inputs: tf.Tensor | tf.Tensor[], args?: CallArgs): tf.Tensor {
    return tf.tidy(() => {
      const x = first(inputs);
      const ids = second(inputs);
      const [b, t] = x.shape as [number, number, number];
      const { dim, heads } = this.cfg;
      const dh = dim / heads;
      const drop = this.cfg.dropout ?? 0;
      const fused = fusedProducts(this.forScoring, args?.training === true);
      const project = (input: tf.Tensor, w: string, bw: string, relu = false) =>
        fused
          ? denseFused(input, this.v(w), this.v(bw), relu ? 'relu' : 'linear')
          : relu
            ? tf.relu(dense(input, this.v(w), this.v(bw)))
            : dense(input, this.v(w), this.v(bw));

      const h = layerNorm(x, this.v('ln1g'), this.v('ln1b'));
      const qkv = project(h, 'wqkv', 'bqkv');
      const attention = () => {
        // A scorer on wasm reads the packed projection in one kernel (wasm-attention.ts).
        if (fused && wasmSimdReady(tf) && attentionFits(dim, heads))
          return wasmAttention(tf, qkv, ids, heads);
        const bias = tf.reshape(tf.mul(tf.sub(1, paddingMask(ids)), NEG_INF), [b, 1, 1, t]);
        // Column slices of one fused projection; each head split is a single rank-4 transpose.
        const part = (i: number) =>
          tf.reshape(tf.slice(qkv, [0, 0, i * dim], [b, t, dim]), [b, t, heads, dh]);
        const q = tf.transpose(tf.mul(part(0), 1 / Math.sqrt(dh)), [0, 2, 1, 3]);
        const kT = tf.transpose(part(1), [0, 2, 3, 1]);
        const v = tf.transpose(part(2), [0, 2, 1, 3]);
        const scores = tf.add(tf.matMul(q, kT), bias);
        const attn = maybeDropout(tf.softmax(scores, -1), drop, args);
        return tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [b, t, dim]);
      };
      const ctx = attention();
      const x1 = tf.add(x, maybeDropout(project(ctx, 'wo', 'bo'), drop, args));

      const h2 = layerNorm(x1, this.v('ln2g'), this.v('ln2b'));
      const ff = project(project(h2, 'w1', 'b1', true), 'w2', 'b2');
      return tf.add(x1, maybeDropout(ff, drop, args));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface NormPoolConfig {
  dim: number;
  name?: string;
}

/** Final layer norm, then the mean over real (non-padding) positions: [x, ids] → [B, D]. */
export class NormMeanPool extends tf.layers.Layer {
  static className = 'BwNormMeanPool';
  private readonly cfg: NormPoolConfig;
  private g?: tf.LayerVariable;
  private b?: tf.LayerVariable;

  constructor(config: NormPoolConfig) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override build(): void {
    this.g = this.addWeight('gamma', [this.cfg.dim], 'float32', tf.initializers.ones());
    this.b = this.addWeight('beta', [this.cfg.dim], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null];
    return [s[0] ?? null, this.cfg.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!this.g || !this.b) throw new Error('pool not built');
      const x = layerNorm(first(inputs), this.g.read(), this.b.read());
      const mask = tf.expandDims(paddingMask(second(inputs)), -1);
      const sum = tf.sum(tf.mul(x, mask), 1);
      return tf.div(sum, tf.maximum(tf.sum(mask, 1), 1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface BiLstmConfig {
  inputDim: number;
  units: number;
  /** Output every position's [h_fwd; h_bwd] as [B, T, 2U] (padding positions undefined) instead of the final state. */
  sequences?: boolean;
  name?: string;
}

/**
 * Bidirectional LSTM with fused gates and both directions in one step: the backward direction reads
 * the time-reversed sequence, and block-masked weights keep the directions independent, so each
 * step is a single [B,2U]·[2U,8U] matmul plus a handful of elementwise ops on [B,2U] (a third of the
 * ops of tfjs's LSTM, which matters because per-op overhead dominates at these sizes). Column
 * layout of the gate block: [i, f, o, g], each [fwd U | bwd U]. Sigmoid gates (Keras's convention,
 * not tfjs's hardSigmoid). Padding steps keep the state, so each direction ends on (or starts from)
 * the text's real tokens. Output: the final [h_fwd; h_bwd] as [B, 2U].
 */
export class BiLstm extends tf.layers.Layer {
  static className = 'BwBiLstm';
  private readonly cfg: BiLstmConfig;
  private w: Record<string, tf.LayerVariable> = {};
  /** blockMask's values by rows per direction. */
  private readonly maskValues = new Map<number, Float32Array>();
  /**
   * Set for a scorer's model only (markForScoring): on native TensorFlow the recurrence runs as its
   * BlockLSTM kernel (native-lstm.ts); on wasm the final states come from this project's kernel
   * (wasm-lstm.ts); off native the input projection takes the fused product (denseFused). Training,
   * evaluation and teacher scoring keep the step loop's exact bytes.
   */
  forScoring = false;

  constructor(
    config: BiLstmConfig,
    private readonly seedOffset = 0,
  ) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  /** 1 where row and column belong to the same direction (rows: `rowsPerDir` each; columns: U-wide groups). */
  private blockMask(rowsPerDir: number): tf.Tensor2D {
    const u = this.cfg.units;
    // The values depend on the shape alone; filling them cost a few percent of a small batch's pass.
    let values = this.maskValues.get(rowsPerDir);
    if (!values) {
      values = new Float32Array(2 * rowsPerDir * 8 * u);
      for (let r = 0; r < 2 * rowsPerDir; r++) {
        const dir = r < rowsPerDir ? 0 : 1;
        for (let c = 0; c < 8 * u; c++)
          if (Math.floor(c / u) % 2 === dir) values[r * 8 * u + c] = 1;
      }
      this.maskValues.set(rowsPerDir, values);
    }
    return tf.tensor2d(values, [2 * rowsPerDir, 8 * u]);
  }

  override build(): void {
    const { inputDim, units } = this.cfg;
    // Forget-gate bias starts at 1 so early gradients flow through time.
    const bias = new Float32Array(8 * units);
    for (let j = 2 * units; j < 4 * units; j++) bias[j] = 1;
    const biasInit = valuesInitializer(bias, 'BwForgetBias');
    this.w = {
      wx: this.addWeight(
        'wx',
        [2 * inputDim, 8 * units],
        'float32',
        tf.initializers.glorotUniform({ seed: initSeed(31, this.seedOffset) }),
      ),
      b: this.addWeight('b', [8 * units], 'float32', biasInit),
      wh: this.addWeight(
        'wh',
        [2 * units, 8 * units],
        'float32',
        tf.initializers.glorotUniform({ seed: initSeed(32, this.seedOffset) }),
      ),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null];
    if (this.cfg.sequences) return [s[0] ?? null, s[1] ?? null, 2 * this.cfg.units];
    return [s[0] ?? null, 2 * this.cfg.units];
  }

  private v(name: string): tf.Tensor {
    const w = this.w[name];
    if (!w) throw new Error(`lstm weight ${name} missing`);
    return w.read();
  }

  /**
   * Every position's input projection [N, 8U] from its rows `flat` [N, D], through the two directions'
   * weights folded into one [D, 8U] (each column belongs to one direction): inference only.
   */
  private foldedProjection(flat: tf.Tensor, training: boolean): tf.Tensor {
    const d = flat.shape[1] ?? 0;
    const top = tf.slice(this.blockMask(d), [0, 0], [d, -1]);
    const wx = this.v('wx');
    const folded = tf.add(
      tf.mul(tf.slice(wx, [0, 0], [d, -1]), top),
      tf.mul(tf.slice(wx, [d, 0], [d, -1]), tf.sub(1, top)),
    );
    return (fusedProducts(this.forScoring, training) ? denseFused : dense)(
      flat,
      folded,
      this.v('b'),
    );
  }

  /**
   * The input projection of every step, time-major [T·B, 8U] (step s is rows s·B … s·B+B−1): forward
   * columns from x at step s, backward columns from x at step length−1−s (read from `timeMajor` and
   * `reversed`, row indices into x's batch-major rows).
   */
  private inputProjection(
    x: tf.Tensor,
    timeMajor: Int32Array,
    reversed: Int32Array,
    training: boolean,
  ): tf.Tensor {
    const [b, t, d] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [b * t, d]);
    const rows = (at: Int32Array) => embeddingLookup(flat, tf.tensor1d(at, 'int32'));
    if (training) {
      // [x; x reversed]·(W ∘ block mask): the formulation the shipped models were trained with.
      const both = tf.concat([rows(timeMajor), rows(reversed)], 1);
      return dense(both, tf.mul(this.v('wx'), this.blockMask(d)), this.v('b'));
    }
    // At inference the zero half of the block-masked product is skipped: project x once through the
    // folded weights, then give each row its forward columns from step s and its backward columns from
    // the reversed step. Same sums without the zero terms, at half the multiply-adds.
    const projected = this.foldedProjection(flat, training);
    const top = tf.slice(this.blockMask(d), [0, 0], [d, -1]);
    const pick = (at: Int32Array) => embeddingLookup(projected, tf.tensor1d(at, 'int32'));
    const forwardColumns = tf.slice(top, [0, 0], [1, -1]);
    return tf.add(
      tf.mul(pick(timeMajor), forwardColumns),
      tf.mul(pick(reversed), tf.sub(1, forwardColumns)),
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], args?: CallArgs): tf.Tensor {
    return tf.tidy(() => {
      const x = first(inputs);
      const [b, t, d] = x.shape as [number, number, number];
      const u = this.cfg.units;
      const training = args?.training === true;
      if (this.forScoring && !training && !this.cfg.sequences && wasmSimdReady(tf) && lstmFits(u)) {
        // A scorer on wasm runs the whole recurrence in one kernel (wasm-lstm.ts).
        const projected = this.foldedProjection(tf.reshape(x, [b * t, d]), training);
        return wasmBiLstmFinal(tf, projected, this.v('wh'), second(inputs));
      }
      // Reverse each text within its own length, so padding stays at the end for both directions:
      // the loop needs no masking, and each direction's final state is read at step length − 1.
      // The indices are plain integers computed here from the ids (no gradient flows into them);
      // the row gathers use the scatter-add gradient above.
      const ids = second(inputs).dataSync();
      // Per time-major row s·B + r: x's row of text r at step s, and at its reversed step.
      const timeMajor = new Int32Array(b * t);
      const reversed = new Int32Array(b * t);
      const lastRow = new Int32Array(b);
      // Per position, the time-major state rows holding its forward and its backward state.
      const forwardAt = new Int32Array(b * t);
      const backwardAt = new Int32Array(b * t);
      for (let r = 0; r < b; r++) {
        let len = 0;
        for (let j = 0; j < t; j++) if ((ids[r * t + j] ?? 0) !== 0) len = j + 1;
        for (let j = 0; j < t; j++) {
          const step = j < len ? len - 1 - j : j;
          timeMajor[j * b + r] = r * t + j;
          reversed[j * b + r] = r * t + step;
          forwardAt[r * t + j] = j * b + r;
          backwardAt[r * t + j] = step * b + r;
        }
        lastRow[r] = (Math.max(len, 1) - 1) * b + r;
      }
      const states =
        this.forScoring && !training && nativeLstmAvailable()
          ? this.nativeStates(x, timeMajor, reversed)
          : this.loopStates(x, timeMajor, reversed, training);
      if (!this.cfg.sequences) return embeddingLookup(states, tf.tensor1d(lastRow, 'int32'));
      const half = (at: Int32Array, from: number) =>
        tf.slice(embeddingLookup(states, tf.tensor1d(at, 'int32')), [0, from], [b * t, u]);
      return tf.reshape(tf.concat([half(forwardAt, 0), half(backwardAt, u)], 1), [b, t, 2 * u]);
    });
  }

  /** Every step's [h_fwd; h_bwd], time-major [T·B, 2U] (row s·B + r: text r at step s), by the step loop. */
  private loopStates(
    x: tf.Tensor,
    timeMajor: Int32Array,
    reversed: Int32Array,
    training: boolean,
  ): tf.Tensor {
    const [b, t] = x.shape as [number, number, number];
    const u = this.cfg.units;
    const wh = tf.mul(this.v('wh'), this.blockMask(u));
    const xw = this.inputProjection(x, timeMajor, reversed, training);
    let h: tf.Tensor = tf.zeros([b, 2 * u]);
    let c: tf.Tensor = tf.zeros([b, 2 * u]);
    const hs: tf.Tensor[] = [];
    // Made once: a number operand would upload a new scalar tensor at every use, five per step.
    const one = tf.scalar(1);
    const two = tf.scalar(2);
    for (let s = 0; s < t; s++) {
      const z = tf.add(tf.slice(xw, [s * b, 0], [b, 8 * u]), tf.matMul(h, wh));
      // One sigmoid over all gates; the cell input uses tanh(x) = 2σ(2x) − 1 with the factor 2
      // learned into its weights, because wasm's tanh is ~10× slower than its sigmoid.
      const sig = tf.sigmoid(z);
      const i = tf.slice(sig, [0, 0], [b, 2 * u]);
      const f = tf.slice(sig, [0, 2 * u], [b, 2 * u]);
      const o = tf.slice(sig, [0, 4 * u], [b, 2 * u]);
      const g = tf.sub(tf.mul(tf.slice(sig, [0, 6 * u], [b, 2 * u]), two), one);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.sub(tf.mul(tf.sigmoid(tf.mul(c, two)), two), one));
      hs.push(h);
    }
    return tf.reshape(tf.stack(hs), [t * b, 2 * u]);
  }

  /** The same states by TensorFlow's BlockLSTM kernel, one op per direction (native-lstm.ts). */
  private nativeStates(x: tf.Tensor, timeMajor: Int32Array, reversed: Int32Array): tf.Tensor {
    const [b, t, d] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [b * t, d]);
    const steps = (at: Int32Array) =>
      tf.reshape(tf.gather(flat, tf.tensor1d(at, 'int32')), [t, b, d]) as tf.Tensor3D;
    return nativeBiLstmStates(
      steps(timeMajor),
      steps(reversed),
      { wx: this.v('wx'), wh: this.v('wh'), b: this.v('b') },
      this.cfg.units,
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface NgramBagConfig {
  buckets: number;
  dim: number;
  name?: string;
}

/**
 * A fastText-style wide branch: the mean of hashed token-bigram embeddings over the text. Cheap at
 * inference (one gather and a masked mean) and strong on short headlines, where word pairs like
 * "cuts to" or "beats estimates" carry most of the signal. Input: ids [B, T]; output [B, dim].
 */
export class NgramBag extends tf.layers.Layer {
  static className = 'BwNgramBag';
  private readonly cfg: NgramBagConfig;
  private table?: tf.LayerVariable;

  constructor(
    config: NgramBagConfig,
    private readonly seedOffset = 0,
  ) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override build(): void {
    this.table = this.addWeight(
      'table',
      [this.cfg.buckets, this.cfg.dim],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed: initSeed(61, this.seedOffset) }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null];
    return [s[0] ?? null, this.cfg.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!this.table) throw new Error('ngram bag not built');
      const ids = tf.cast(first(inputs), 'int32');
      const [b, t] = ids.shape as [number, number];
      // Pad one step on the right so single-token texts still get a (token, pad) pair.
      const padded = tf.concat([ids, tf.zeros([b, 1], 'int32')], 1);
      const left = tf.slice(padded, [0, 0], [b, t]);
      const right = tf.slice(padded, [0, 1], [b, t]);
      // ids < 2^15 and the multiplier keeps products inside int32.
      const hashed = tf.mod(tf.add(tf.mul(left, 32_771), right), this.cfg.buckets);
      const valid = paddingMask(left);
      const vectors = embeddingLookup(this.table.read(), tf.cast(hashed, 'int32'));
      const sum = tf.sum(tf.mul(vectors, tf.expandDims(valid, -1)), 1);
      return tf.div(sum, tf.maximum(tf.expandDims(tf.sum(valid, 1), -1), 1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface PolarityPriorConfig {
  vocabSize: number;
  name?: string;
}

/**
 * Looks up each token's lexicon polarity: ids [B, T] → [B, T, 2] (positive cue, negative cue), from a
 * fixed table saved with the weights. `table` (±1/0 per token id) is given when a model is built for
 * training; a loaded model reads it from its weights.
 */
export class PolarityPrior extends tf.layers.Layer {
  static className = 'BwPolarityPrior';
  private readonly cfg: PolarityPriorConfig;
  private readonly initial: Float32Array | undefined;
  private table?: tf.LayerVariable;

  constructor(config: PolarityPriorConfig, table?: Float32Array) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
    this.initial = table;
    this.trainable = false;
  }

  override build(): void {
    const values = this.initial ?? new Float32Array(this.cfg.vocabSize);
    const init = valuesInitializer(values, 'BwPolarityTable');
    this.table = this.addWeight(
      'table',
      [this.cfg.vocabSize, 1],
      'float32',
      init,
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null, null];
    return [s[0] ?? null, s[1] ?? null, 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!this.table) throw new Error('polarity prior not built');
      const p = tf.gather(this.table.read(), tf.cast(first(inputs), 'int32'));
      return tf.concat([tf.relu(p), tf.relu(tf.neg(p))], 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export type FusionMode = 'gate' | 'concat';

export interface FusionConfig {
  mode: FusionMode;
  attnDim: number;
  lstmDim: number;
  name?: string;
}

/**
 * Joins the attention summary [B, A] and the LSTM summary [B, L]. `gate`: project L to A and mix
 * per feature with g = σ(W[a; l] + b), out = g·a + (1−g)·l′; `concat`: [a; l].
 */
export class Fusion extends tf.layers.Layer {
  static className = 'BwFusion';
  private readonly cfg: FusionConfig;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(
    config: FusionConfig,
    private readonly seedOffset = 0,
  ) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override build(): void {
    if (this.cfg.mode === 'gate') {
      const { attnDim, lstmDim } = this.cfg;
      this.w = {
        wp: this.addWeight(
          'wp',
          [lstmDim, attnDim],
          'float32',
          tf.initializers.glorotUniform({ seed: initSeed(41, this.seedOffset) }),
        ),
        bp: this.addWeight('bp', [attnDim], 'float32', tf.initializers.zeros()),
        wg: this.addWeight(
          'wg',
          [attnDim + lstmDim, attnDim],
          'float32',
          tf.initializers.glorotUniform({ seed: initSeed(42, this.seedOffset) }),
        ),
        bg: this.addWeight('bg', [attnDim], 'float32', tf.initializers.zeros()),
      };
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null];
    const width = this.cfg.mode === 'gate' ? this.cfg.attnDim : this.cfg.attnDim + this.cfg.lstmDim;
    return [s[0] ?? null, width];
  }

  private v(name: string): tf.Tensor {
    const w = this.w[name];
    if (!w) throw new Error(`fusion weight ${name} missing`);
    return w.read();
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const a = first(inputs);
      const l = second(inputs);
      const both = tf.concat([a, l], 1);
      if (this.cfg.mode === 'concat') return both;
      const lp = dense(l, this.v('wp'), this.v('bp'));
      const g = tf.sigmoid(dense(both, this.v('wg'), this.v('bg')));
      return tf.add(tf.mul(g, a), tf.mul(tf.sub(1, g), lp));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

export interface SeededDropoutConfig {
  rate: number;
  name?: string;
}

/**
 * Dropout whose masks come from the training run's `DropoutNoise` (in the call arguments), so a
 * retraining drops the same units; the identity at inference. tfjs's own dropout layer takes one
 * fixed seed, which would drop the same units at every step.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'BwSeededDropout';
  private readonly cfg: SeededDropoutConfig;

  constructor(config: SeededDropoutConfig) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapeList(inputShape)[0] ?? [null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], args?: CallArgs): tf.Tensor {
    return tf.tidy(() => maybeDropout(first(inputs), this.cfg.rate, args));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

let registered = false;

/** Registers every custom layer with the deserializer; call before loading a saved model. */
export function registerLayers(): void {
  if (registered) return;
  registered = true;
  for (const cls of [
    TokenPositionEmbedding,
    EncoderBlock,
    NormMeanPool,
    BiLstm,
    Fusion,
    SeededDropout,
    NgramBag,
    PolarityPrior,
  ]) {
    tf.serialization.registerClass(
      cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    );
  }
  // Models saved before the dropout layer was renamed (the 3-net models/default among them) name it 'BwDropout'.
  tf.serialization.SerializationMap.getMap().classNameMap.BwDropout = [
    SeededDropout as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    SeededDropout.fromConfig,
  ];
}
