/** Turns texts into class probabilities on the current thread: tokenize, window, group by length, pad per group, run the model. */
import * as tf from '@tensorflow/tfjs';
import { BiLstm, EncoderBlock } from './layers.ts';
import { lengthGroups } from './length-groups.ts';
import { BertLayer } from './pretrained/encoder-layers.ts';
import { poolWindows, windowsOf } from './text-windows.ts';
import { UNK_ID } from './tokenizer.ts';

/** What the predictor needs of a tokenizer: the project's BPE one, or a pretrained encoder's WordPiece one. */
export interface ModelTokenizer {
  /** Token ids of a text, at most maxLen, without any framing ids. */
  encode(text: string, maxLen: number): number[];
  readonly vocab: readonly string[];
  /** Ids put around every window ([CLS] … [SEP]) when the model was trained on framed input. */
  readonly frame?: readonly [number, number];
}

/** Groups pad to a multiple of this, so the backend sees few distinct shapes. */
const LENGTH_STEP = 4;
const MAX_GROUP = 256;

/** Above this many parameters a model's arithmetic per text outweighs a pass's per-op cost on any backend. */
const LIGHT_MODEL_PARAMS = 10_000_000;

/**
 * Smaller groups pad less but pay the per-op cost of a pass again (length-groups.ts). That cost is the
 * backend's, and what it is weighed against is the model's arithmetic. On native TensorFlow every op crosses
 * into the library and its thread pool, so a light model (models/default, 1.6M parameters) scores faster in
 * groups four times as large; a heavy one (models/accurate, 34M) pays more in padding than it saves in ops.
 * Measured one thread on the demo stream's texts (`npm run bench:model -- --backend tensorflow --workers 0
 * --batches 256 --texts fixtures/streams/demo`), minimum group 32 → 128: models/default 918 → 1,450 and
 * 971 → 1,897 texts/s (two interleaved pairs), models/accurate 66 → 50. On wasm 32 beat 64 and 128.
 */
export function minGroupFor(backend: string, parameters: number): number {
  return backend === 'tensorflow' && parameters < LIGHT_MODEL_PARAMS ? 128 : 32;
}

/**
 * Lets `model`'s layers take their inference-only fast paths (forScoring): a scorer's model only, never one
 * that trains, evaluates or teaches, whose exact bytes are what its runs reproduce.
 */
export function markForScoring(model: tf.LayersModel): void {
  for (const layer of model.layers)
    if (layer instanceof BiLstm || layer instanceof EncoderBlock || layer instanceof BertLayer)
      layer.forScoring = true;
}

export class Predictor {
  /** Values per text: 3 probabilities, or the width of a feature model's output (distill/teacher-features.ts). */
  readonly width: number;
  private readonly parameters: number;

  /**
   * `scoring`: this predictor serves a scorer, so its layers take inference-only fast paths (forScoring):
   * on native TensorFlow the BiLSTM as the BlockLSTM kernel (native-lstm.ts); on wasm attention and the
   * BiLSTM in this project's kernels (wasm-simd/); off native, fused products (denseFused). Equal up to
   * float rounding. Training, evaluation and teacher scoring leave it off and
   * keep the exact bytes their runs reproduce.
   */
  constructor(
    readonly model: tf.LayersModel,
    readonly tokenizer: ModelTokenizer,
    readonly maxLen: number,
    options: { scoring?: boolean } = {},
  ) {
    this.width = model.outputs[0]?.shape.at(-1) ?? 3;
    this.parameters = model.countParams();
    if (options.scoring === true) markForScoring(model);
  }

  /**
   * Row-major [negative, neutral, positive] per text (`width` values for a feature model), in input order. A text longer than the model's input is
   * read in windows whose rows are pooled (text-windows.ts); all windows of all texts go through one run.
   */
  predict(texts: readonly string[]): Float32Array {
    const { frame } = this.tokenizer;
    const room = this.maxLen - (frame ? 2 : 0);
    const perText = texts.map((text) => {
      const ids = this.tokenizer.encode(text, Number.POSITIVE_INFINITY);
      // At least one token, so an empty text still has a mask (a framed one always has its frame).
      return windowsOf(ids.length > 0 || frame ? ids : [UNK_ID], room);
    });
    const windows = perText.flat();
    const rows = this.predictIds(frame ? windows.map((w) => [frame[0], ...w, frame[1]]) : windows);
    return poolWindows(
      rows,
      perText.map((windows) => windows.map((window) => window.length)),
      this.width,
    );
  }

  predictIds(encoded: readonly number[][]): Float32Array {
    const n = encoded.length;
    const width = this.width;
    const out = new Float32Array(n * width);
    const groups = lengthGroups(
      encoded.map((seq) => seq.length),
      {
        step: LENGTH_STEP,
        minGroup: minGroupFor(tf.getBackend(), this.parameters),
        maxGroup: MAX_GROUP,
      },
    );
    for (const group of groups) {
      const longest = Math.max(...group.map((i) => encoded[i]?.length ?? 1));
      const t = Math.min(this.maxLen, Math.ceil(longest / LENGTH_STEP) * LENGTH_STEP);
      const ids = new Float32Array(group.length * t);
      group.forEach((i, row) => {
        const seq = encoded[i] ?? [];
        for (let j = 0; j < seq.length && j < t; j++) ids[row * t + j] = seq[j] ?? 0;
      });
      const input = tf.tensor2d(ids, [group.length, t]);
      // One forward pass per group: predict's default slices of 32 would repeat every op (the LSTM's
      // per-step ops most of all) eight times for a full group.
      const probs = this.model.predict(input, { batchSize: group.length }) as tf.Tensor;
      const values = probs.dataSync();
      input.dispose();
      probs.dispose();
      group.forEach((i, row) => {
        for (let c = 0; c < width; c++) out[i * width + c] = values[row * width + c] ?? 0;
      });
    }
    return out;
  }
}
