/** Evaluates the model or a baseline on labelled data (optionally the validation split train carved) in one harness. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendChoice } from '../config/model.ts';
import { UsageError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LABELS } from './architecture.ts';
import { type BaselineName, makeBaseline } from './baselines/index.ts';
import { type Example, type LabelOptions, readExamples } from './dataset.ts';
import {
  argmaxRows,
  confusionMatrix,
  type EvalMetrics,
  labelIndex,
  metricsFromConfusion,
} from './metrics.ts';
import { loadSplit } from './train-run.ts';

export interface EvalRequest {
  modelDir: string;
  data: string[];
  split: 'all' | 'validation';
  seed?: number;
  valFraction?: number;
  trainData?: string[];
  labelOptions: LabelOptions;
  baseline?: BaselineName;
  backend: BackendChoice;
  workers: 'auto' | number;
  /** Called after each scored chunk of the model's texts (not for baselines). */
  onProgress?: (done: number, total: number) => void;
}

export interface EvalReport extends EvalMetrics {
  subject: string;
  split: string;
  backend?: string;
  workers?: number | 'auto';
  seconds: number;
  textsPerSec: number;
}

interface SplitDefaults {
  seed: number;
  fraction: number;
  labelOptions: LabelOptions;
}

/** The split `train` recorded in the model's training.json; none when the model has no training.json. */
async function trainingDefaults(modelDir: string): Promise<Partial<SplitDefaults>> {
  const file = path.join(modelDir, 'training.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return (JSON.parse(text) as { split?: Partial<SplitDefaults> }).split ?? {};
  } catch (error) {
    // Falling back to seed 42 here would validate on another split, silently.
    throw new UsageError(
      `${file} is not valid JSON (${(error as Error).message}): it records the split --split validation re-carves`,
    );
  }
}

async function readAll(files: readonly string[], options: LabelOptions): Promise<Example[]> {
  const out: Example[] = [];
  for (const f of files) out.push(...(await readExamples(f, options)));
  return out;
}

export async function evaluate(request: EvalRequest, logger: Logger): Promise<EvalReport> {
  let test: Example[];
  let fitOn: Example[] | undefined;
  let splitName = 'all';
  if (request.split === 'validation') {
    const defaults = await trainingDefaults(request.modelDir);
    const seed = request.seed ?? defaults.seed ?? 42;
    const fraction = request.valFraction ?? defaults.fraction ?? 0.15;
    const labelOptions = { ...defaults.labelOptions, ...request.labelOptions };
    const split = await loadSplit(request.data, labelOptions, fraction, seed);
    test = split.validation;
    fitOn = split.train;
    splitName = `validation (seed ${seed}, ${fraction})`;
    const recorded = defaults.seed !== undefined && defaults.fraction !== undefined;
    if (recorded && (seed !== defaults.seed || fraction !== defaults.fraction)) {
      splitName += ", not the model's own split";
      logger.warn(
        { seed, fraction, trainedWith: { seed: defaults.seed, fraction: defaults.fraction } },
        `--split validation with seed ${seed} and fraction ${fraction}, but ${request.modelDir} was trained with seed ${defaults.seed} and fraction ${defaults.fraction}: this validation set can hold texts the model trained on, so its figures can read high`,
      );
    }
  } else {
    test = await readAll(request.data, request.labelOptions);
    if (request.trainData) fitOn = await readAll(request.trainData, request.labelOptions);
  }
  if (test.length === 0) throw new UsageError('no labelled rows to evaluate');
  const texts = test.map((e) => e.text);
  const truth = test.map((e) => labelIndex(e.label));

  let probs: Float32Array;
  let subject: string;
  let backend: string | undefined;
  let seconds: number;
  if (request.baseline) {
    const baseline = makeBaseline(request.baseline);
    if (
      request.baseline === 'naive-bayes' ||
      request.baseline === 'fasttext' ||
      request.baseline === 'majority'
    ) {
      if (!fitOn)
        throw new UsageError(
          `--baseline ${request.baseline} needs --split validation or --train-data`,
        );
    }
    await baseline.fit(fitOn ?? []);
    const t0 = performance.now();
    probs = await baseline.predict(texts);
    seconds = (performance.now() - t0) / 1000;
    await baseline.close?.();
    subject = `baseline:${request.baseline}`;
  } else {
    const { loadScorer } = await import('./scorer.ts');
    const scorer = await loadScorer(
      { path: request.modelDir, backend: request.backend, workers: request.workers },
      logger,
    );
    try {
      await scorer.scoreBatch(texts.slice(0, 64));
      const t0 = performance.now();
      const parts: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += 1024) {
        parts.push(await scorer.scoreBatch(texts.slice(i, i + 1024)));
        request.onProgress?.(Math.min(i + 1024, texts.length), texts.length);
      }
      seconds = (performance.now() - t0) / 1000;
      probs = new Float32Array(texts.length * 3);
      let offset = 0;
      for (const p of parts) {
        probs.set(p, offset);
        offset += p.length;
      }
      subject = `model:${scorer.modelVersion}`;
      backend = scorer.backend;
    } finally {
      await scorer.close();
    }
  }
  const metrics = metricsFromConfusion(confusionMatrix(truth, argmaxRows(probs)));
  return {
    subject,
    split: splitName,
    ...(backend ? { backend, workers: request.workers } : {}),
    ...metrics,
    seconds,
    textsPerSec: texts.length / Math.max(seconds, 1e-9),
  };
}

export function formatReport(r: EvalReport): string {
  const lines = [
    `${r.subject} on ${r.split}: n=${r.n}`,
    `accuracy ${r.accuracy.toFixed(4)}  macro-F1 ${r.macroF1.toFixed(4)}`,
    '',
    'class      precision  recall  f1      support',
    ...LABELS.map((l) => {
      const c = r.perClass[l];
      return `${l.padEnd(10)} ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`;
    }),
    '',
    `confusion (rows true, cols predicted: ${LABELS.join(' ')})`,
    ...r.confusion.map(
      (row, i) =>
        `${(LABELS[i] ?? '').padEnd(10)} ${row.map((v) => String(v).padStart(6)).join(' ')}`,
    ),
    '',
    `throughput ${r.textsPerSec.toFixed(0)} texts/s${r.backend ? ` on ${r.backend}` : ''} (${r.seconds.toFixed(2)} s)`,
  ];
  return `${lines.join('\n')}\n`;
}
