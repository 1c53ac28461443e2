/**
 * The training loop: length-bucketed batches, class-weighted label-smoothed cross-entropy, Adam with
 * warmup and linear decay, per-epoch validation, early stopping that restores the best weights.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../core/random.ts';
import { type ArchitectureConfig, buildModel, LABELS, mergeMembers } from './architecture.ts';
import type { Example } from './dataset.ts';
import { shuffleInPlace } from './dataset.ts';
import {
  distillationLoss,
  featureMatchLoss,
  featureProjection,
  standardizeFeatures,
  studentOutputs,
  temperProbs,
} from './distill/loss.ts';
import { EarlyStopping } from './early-stopping.ts';
import { DropoutNoise, initSeed, type TrainingArgs } from './layers.ts';
import { lexiconWords, polarityTable } from './lexicon.ts';
import {
  argmaxRows,
  confusionMatrix,
  type EvalMetrics,
  labelIndex,
  metricsFromConfusion,
} from './metrics.ts';
import { Predictor } from './predictor.ts';
import type { EmbeddingInit, ProjectedInit } from './pretrained/embed-init.ts';
import {
  foldProjectedEmbedding,
  type ProjectedEmbeddingInit,
  projectedEmbedding,
} from './projected-embedding.ts';
import { type Tokenizer, trainTokenizer, UNK_ID } from './tokenizer.ts';

export interface TrainOptions {
  architecture: Omit<ArchitectureConfig, 'vocabSize'>;
  vocabSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation macro-F1 before stopping. */
  patience: number;
  labelSmoothing: number;
  /** Class weights ∝ (1/frequency)^power; 0 = unweighted, 1 = fully balanced. */
  classWeightPower: number;
  seed: number;
  /** Learn from a teacher's probabilities as well as the labels; absent = the labels alone. */
  distill?: StudentDistillation;
  /** Decay of an exponential moving average of the weights, which is what gets validated and kept (0 = off). */
  emaDecay?: number;
  /** Share of training tokens replaced by <unk> each step (augmentation against memorised words). */
  tokenDropout?: number;
  /** Stop after this many seconds of training, keeping the best epoch so far. */
  maxSeconds?: number;
  /**
   * Networks trained one after another (own initial weights, shuffles and dropout; same split and
   * tokenizer), then averaged in one ensemble model. Absent or 1 = a single network.
   */
  members?: number;
  /** Initial token embeddings for the learned vocabulary at the model's width; absent = random. */
  embedInit?: EmbeddingInit;
  /**
   * Train the token embeddings as frozen pretrained vectors through a learned projection plus a learned
   * correction (projected-embedding.ts), folded into one table when training ends; takes precedence over
   * `embedInit`.
   */
  embedProject?: ProjectedInit;
}

/** What the trainer needs of a distillation (distill/distill-set.ts assembles it). */
export interface StudentDistillation {
  /** Teacher probabilities, row-major ×3: the training examples in `train` order, then `transfer`. */
  teacherProbs: Float32Array;
  /** Unlabelled texts, learned from the teacher alone (the KL term). */
  transfer: readonly string[];
  temperature: number;
  /** a in a·T²·KL + (1−a)·CE. */
  weight: number;
  /** The teacher's features (× dim, same rows as `teacherProbs`) and b, the weight of matching them. */
  features?: { dim: number; values: Float32Array; weight: number };
}

export interface Progress {
  /** 1-based ensemble member being trained, of `members`. */
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  textsPerSec: number;
  etaSec: number;
  valAccuracy?: number;
  valMacroF1?: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  tokenizer: Tokenizer;
  architecture: ArchitectureConfig;
  validation: EvalMetrics;
  /** Per member, the epoch whose weights were kept. */
  bestEpochs: number[];
  epochsRun: number;
  seconds: number;
  history: HistoryRow[];
  classWeights: number[];
  /** Each member's own best validation metrics (one row for a single network). */
  memberMetrics: EvalMetrics[];
}

export interface HistoryRow {
  member: number;
  epoch: number;
  loss: number;
  valAccuracy: number;
  valMacroF1: number;
}

export function classWeightsFor(examples: readonly Example[], power: number): number[] {
  const counts = LABELS.map((l) => examples.filter((e) => e.label === l).length);
  const raw = counts.map((c) => (c === 0 ? 0 : (examples.length / (LABELS.length * c)) ** power));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
}

/** Batches of similar length (less padding), in shuffled order. */
export function makeBatches(
  lengths: readonly number[],
  batchSize: number,
  random: () => number,
): number[][] {
  const jitter = lengths.map((l) => l + random() * 3);
  const order = [...lengths.keys()].sort((a, b) => (jitter[a] ?? 0) - (jitter[b] ?? 0));
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return shuffleInPlace(batches, random);
}

export function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync().slice() as Float32Array);
}

export function restore(model: tf.LayersModel, values: readonly Float32Array[]): void {
  model.weights.forEach((w, i) => {
    const v = values[i];
    if (!v) return;
    // write() shares the tensor's data with the variable, so the handle can go at once.
    const t = tf.tensor(v, w.shape as number[]);
    w.write(t);
    t.dispose();
  });
}

/** Cross-entropy of `probs` against soft targets `ys` [B, 3], averaged with per-text weights `ws` [B]. */
export function weightedCrossEntropy(probs: tf.Tensor, ys: tf.Tensor, ws: tf.Tensor): tf.Scalar {
  const nll = tf.neg(tf.sum(tf.mul(ys, tf.log(tf.add(probs, 1e-7))), 1));
  return tf.div(tf.sum(tf.mul(nll, ws)), tf.sum(ws)) as tf.Scalar;
}

export function evaluatePredictor(
  predictor: Predictor,
  ids: number[][],
  labels: readonly number[],
): EvalMetrics {
  const probs = predictor.predictIds(ids);
  return metricsFromConfusion(confusionMatrix(labels, argmaxRows(probs)));
}

export async function trainModel(
  train: readonly Example[],
  validation: readonly Example[],
  options: TrainOptions,
  onProgress: (p: Progress) => void = () => {},
): Promise<TrainResult> {
  const started = performance.now();
  const lexicon = options.architecture.lexicon === true;
  const tokenizer = trainTokenizer(
    train.map((e) => e.text),
    { vocabSize: options.vocabSize, ...(lexicon ? { wholeWords: lexiconWords() } : {}) },
  );
  const polarity = lexicon ? polarityTable(tokenizer) : undefined;
  const single: ArchitectureConfig = {
    ...options.architecture,
    vocabSize: tokenizer.size,
    members: 1,
  };
  const maxLen = single.maxLen;
  const encode = (text: string) => {
    const ids = tokenizer.encode(text, maxLen);
    return ids.length > 0 ? ids : [1];
  };
  const data: EncodedSplit = {
    trainIds: train.map((e) => encode(e.text)),
    trainLabels: train.map((e) => labelIndex(e.label)),
    valIds: validation.map((e) => encode(e.text)),
    valLabels: validation.map((e) => labelIndex(e.label)),
    weights: classWeightsFor(train, options.classWeightPower),
    transferIds: options.distill?.transfer.map(encode) ?? [],
    ...(options.embedProject
      ? { projected: options.embedProject(tokenizer.vocab, single.dim) }
      : options.embedInit
        ? { embeddings: options.embedInit(tokenizer.vocab, single.dim) }
        : {}),
  };
  const textsPerEpoch = train.length + data.transferIds.length;
  const members = Math.max(1, options.members ?? 1);
  const networks: MemberResult[] = [];
  for (let k = 0; k < members; k++) {
    const memberOptions = {
      ...options,
      // Member 0 keeps the single-network seeds, so `members: 1` reproduces earlier runs.
      seed: options.seed + k * 7919,
      ...(options.maxSeconds ? { maxSeconds: options.maxSeconds / members } : {}),
    };
    networks.push(
      trainNetwork(data, single, tokenizer, polarity, memberOptions, k, members, (p) =>
        onProgress({
          ...p,
          etaSec: p.etaSec + (members - k - 1) * options.epochs * (textsPerEpoch / p.textsPerSec),
        }),
      ),
    );
  }
  const [first] = networks;
  if (!first) throw new Error('no network was trained');
  const ensemble = networks.length > 1;
  const architecture: ArchitectureConfig = {
    ...options.architecture,
    vocabSize: tokenizer.size,
    ...(ensemble ? { members } : {}),
  };
  const model = ensemble
    ? mergeMembers(
        single,
        networks.map((n) => n.model),
      )
    : first.model;
  if (ensemble) for (const n of networks) n.model.dispose();
  const validationMetrics = ensemble
    ? evaluatePredictor(new Predictor(model, tokenizer, maxLen), data.valIds, data.valLabels)
    : first.metrics;
  return {
    model,
    tokenizer,
    architecture,
    validation: validationMetrics,
    bestEpochs: networks.map((n) => n.bestEpoch),
    epochsRun: networks.reduce((sum, n) => sum + n.epochsRun, 0),
    seconds: (performance.now() - started) / 1000,
    history: networks.flatMap((n) => n.history),
    classWeights: data.weights,
    memberMetrics: networks.map((n) => n.metrics),
  };
}

interface EncodedSplit {
  trainIds: number[][];
  trainLabels: number[];
  valIds: number[][];
  valLabels: number[];
  weights: number[];
  /** Unlabelled distillation texts, after the training texts in every epoch. */
  transferIds: number[][];
  /** Initial token table (vocabulary × width), in place of the embedding layer's random one. */
  embeddings?: Float32Array;
  /** Frozen vectors and starting projection of a projected embedding, in place of the token table. */
  projected?: ProjectedEmbeddingInit;
}

interface MemberResult {
  model: tf.LayersModel;
  metrics: EvalMetrics;
  bestEpoch: number;
  epochsRun: number;
  history: HistoryRow[];
}

/** Trains one network (ensemble member `k`) with early stopping on the validation macro-F1. */
function trainNetwork(
  data: EncodedSplit,
  architecture: ArchitectureConfig,
  tokenizer: Tokenizer,
  polarity: Float32Array | undefined,
  options: TrainOptions,
  k: number,
  members: number,
  onProgress: (p: Progress) => void,
): MemberResult {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const model = buildModel(
    architecture,
    k,
    polarity,
    data.projected ? projectedEmbedding(data.projected) : undefined,
  );
  if (data.embeddings) {
    const tok = model.getLayer('embed').weights.find((w) => w.name.endsWith('tok'));
    if (!tok) throw new Error('the embedding layer has no token table');
    const table = tf.tensor2d(data.embeddings, [architecture.vocabSize, architecture.dim]);
    tok.write(table);
    table.dispose();
  }
  const { valIds, valLabels, weights } = data;
  // Transfer texts follow the training texts, with no label (−1): they learn from the teacher alone.
  const trainIds = [...data.trainIds, ...data.transferIds];
  const trainLabels = [...data.trainLabels, ...data.transferIds.map(() => -1)];
  const predictor = new Predictor(model, tokenizer, architecture.maxLen);
  const trainCount = trainIds.length;
  const optimizer = tf.train.adam(options.learningRate, 0.9, 0.98, 1e-7);
  const stepsPerEpoch = Math.ceil(trainCount / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmup = Math.min(200, Math.floor(totalSteps / 10));
  const stopping = new EarlyStopping(options.patience, onProgress);
  let globalStep = 0;
  let epochsRun = 0;
  const smooth = options.labelSmoothing;
  const tokenDropout = options.tokenDropout ?? 0;
  const distill = options.distill;
  if (distill && distill.teacherProbs.length !== trainCount * 3) {
    throw new Error(
      `teacher probabilities for ${distill.teacherProbs.length / 3} texts, but ${trainCount} to distil`,
    );
  }
  const tempered = distill ? temperProbs(distill.teacherProbs, distill.temperature) : undefined;
  const outputsOf = distill ? studentOutputs(model) : undefined;
  const matched = distill?.features;
  if (matched && matched.values.length !== trainCount * matched.dim) {
    throw new Error(
      `teacher features for ${matched.values.length / matched.dim} texts, but ${trainCount} to distil`,
    );
  }
  const targets = matched ? standardizeFeatures(matched.values, matched.dim) : undefined;
  const projection = matched
    ? featureProjection(architecture.hidden, matched.dim, initSeed(81, k))
    : undefined;
  const emaDecay = options.emaDecay ?? 0;
  // Averaged weights generalise better than the last step's on small data; kept on the backend.
  const ema = emaDecay > 0 ? model.weights.map((w) => tf.variable(w.read().clone(), false)) : [];
  const updateEma = (step: number) => {
    const d = Math.min(emaDecay, (1 + step) / (10 + step));
    tf.tidy(() => {
      model.weights.forEach((w, i) => {
        const e = ema[i];
        if (e) e.assign(tf.add(tf.mul(e, d), tf.mul(w.read(), 1 - d)));
      });
    });
  };
  const withEma = <T>(fn: () => T): T => {
    if (ema.length === 0) return fn();
    const live = snapshot(model);
    model.weights.forEach((w, i) => {
      const e = ema[i];
      if (!e) return;
      const copy = e.clone();
      w.write(copy);
      copy.dispose();
    });
    try {
      return fn();
    } finally {
      restore(model, live);
    }
  };

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const batches = makeBatches(
      trainIds.map((ids) => ids.length),
      options.batchSize,
      random,
    );
    let lossSum = 0;
    let seen = 0;
    const epochStart = performance.now();
    const training: TrainingArgs = {
      training: true,
      noise: DropoutNoise.forEpoch(options.seed, epoch),
    };
    for (let s = 0; s < batches.length; s++) {
      const batch = batches[s] ?? [];
      const t = Math.max(...batch.map((i) => trainIds[i]?.length ?? 1));
      const x = new Float32Array(batch.length * t);
      const y = new Float32Array(batch.length * 3);
      const w = new Float32Array(batch.length);
      const q = new Float32Array(tempered ? batch.length * 3 : 0);
      const qLogQ = new Float32Array(tempered ? batch.length : 0);
      const dim = matched?.dim ?? 0;
      const f = new Float32Array(targets ? batch.length * dim : 0);
      batch.forEach((i, row) => {
        const seq = trainIds[i] ?? [];
        for (let j = 0; j < seq.length; j++) {
          x[row * t + j] = seq.length > 2 && random() < tokenDropout ? UNK_ID : (seq[j] ?? 0);
        }
        const label = trainLabels[i] ?? 1;
        if (tempered) {
          q.set(tempered.probs.subarray(i * 3, i * 3 + 3), row * 3);
          qLogQ[row] = tempered.negEntropy[i] ?? 0;
        }
        if (targets) f.set(targets.subarray(i * dim, (i + 1) * dim), row * dim);
        // An unlabelled transfer text keeps y = 0 and weight 0: only its KL term counts.
        if (label < 0) return;
        for (let c = 0; c < 3; c++) y[row * 3 + c] = (c === label ? 1 - smooth : 0) + smooth / 3;
        w[row] = weights[label] ?? 1;
      });
      globalStep++;
      const progress = globalStep / totalSteps;
      const lr =
        globalStep <= warmup
          ? (options.learningRate * globalStep) / Math.max(1, warmup)
          : options.learningRate * Math.max(0.05, 1 - progress);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const xs = tf.tensor2d(x, [batch.length, t]);
      const ys = tf.tensor2d(y, [batch.length, 3]);
      const ws = tf.tensor1d(w);
      const qs = tempered ? tf.tensor2d(q, [batch.length, 3]) : undefined;
      const qLogQs = tempered ? tf.tensor1d(qLogQ) : undefined;
      const fs = targets ? tf.tensor2d(f, [batch.length, dim]) : undefined;
      const loss = optimizer.minimize(() => {
        if (!(distill && outputsOf && qs && qLogQs)) {
          return weightedCrossEntropy(model.apply(xs, training) as tf.Tensor, ys, ws);
        }
        const { logits, hidden } = outputsOf(xs, { ...training });
        const soft = distillationLoss(
          logits,
          { tempered: qs, negEntropy: qLogQs, hard: ys, weights: ws },
          distill.temperature,
          distill.weight,
        );
        return projection && fs && matched
          ? tf.add(soft, tf.mul(featureMatchLoss(hidden, projection, fs), matched.weight))
          : soft;
      }, true);
      const lossValue = loss ? (loss.dataSync()[0] ?? 0) : 0;
      loss?.dispose();
      for (const tensor of [xs, ys, ws, qs, qLogQs, fs]) tensor?.dispose();
      if (ema.length > 0) updateEma(globalStep);
      lossSum += lossValue * batch.length;
      seen += batch.length;
      const elapsed = (performance.now() - epochStart) / 1000;
      const rate = seen / Math.max(elapsed, 1e-3);
      const remainingTexts =
        (batches.length - s - 1) * options.batchSize + (options.epochs - epoch) * trainCount;
      onProgress({
        member: k + 1,
        members,
        epoch,
        epochs: options.epochs,
        step: s + 1,
        steps: batches.length,
        loss: lossSum / seen,
        textsPerSec: rate,
        etaSec: remainingTexts / rate,
      });
    }
    epochsRun = epoch;
    const metrics = withEma(() => evaluatePredictor(predictor, valIds, valLabels));
    const stop = stopping.endEpoch(
      {
        member: k + 1,
        members,
        epoch,
        epochs: options.epochs,
        steps: batches.length,
        loss: lossSum / Math.max(seen, 1),
        textsPerSec: seen / ((performance.now() - epochStart) / 1000),
        metrics,
      },
      () => withEma(() => snapshot(model)),
    );
    if (stop) break;
    if (options.maxSeconds && (performance.now() - started) / 1000 > options.maxSeconds) break;
  }
  stopping.restoreBest(model, epochsRun, ema.length > 0);
  optimizer.dispose();
  for (const e of ema) e.dispose();
  projection?.kernel.dispose();
  projection?.bias.dispose();
  if (!data.projected) {
    return {
      model,
      metrics: stopping.bestMetrics ?? evaluatePredictor(predictor, valIds, valLabels),
      bestEpoch: stopping.bestEpoch ?? epochsRun,
      epochsRun,
      history: stopping.history,
    };
  }
  // The saved network is the plain hybrid, its token table folded from the projected embedding; the
  // figures reported are the folded weights' (they differ from the trained ones by float rounding only).
  const saved = foldProjectedEmbedding(model, architecture, k);
  model.dispose();
  return {
    model: saved,
    metrics: evaluatePredictor(
      new Predictor(saved, tokenizer, architecture.maxLen),
      valIds,
      valLabels,
    ),
    bestEpoch: stopping.bestEpoch ?? epochsRun,
    epochsRun,
    history: stopping.history,
  };
}
