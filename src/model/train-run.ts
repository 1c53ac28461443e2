/** One training run end to end: read data, split, train, save the model directory with its card. */
import { createHash } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { cacheDir } from '../config/cache-dir.ts';
import type { BackendChoice } from '../config/model.ts';
import { UsageError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LABELS } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { renderCard } from './card.ts';
import { type Example, type LabelOptions, readExamples, stratifiedSplit } from './dataset.ts';
import {
  buildDistillSet,
  checkDistillSettings,
  type DistillSettings,
} from './distill/distill-set.ts';
import { checkTeacherSplit } from './distill/teacher-split.ts';
import { argmaxRows, confusionMatrix, labelIndex, metricsFromConfusion } from './metrics.ts';
import { saveModelDir } from './model-files.ts';
import { type EmbeddingSource, pretrainedEmbeddingInit } from './pretrained/embed-init.ts';
import type { PretrainedId } from './pretrained/provisioned.ts';
import { type Progress, type TrainOptions, trainModel } from './trainer.ts';
import { trainingMachine } from './training-machine.ts';
import { encodeWeight, type WeightsDtype } from './weight-storage.ts';

export interface TrainingRun {
  data: string[];
  out: string;
  backend: BackendChoice;
  /** Seed of the validation split (the initialisation's is `train.seed`). */
  seed: number;
  valFraction: number;
  labelOptions: LabelOptions;
  train: TrainOptions;
  command: string;
  /** Evaluate the baselines on the same split and put them in the card. */
  baselines: boolean;
  /** Distil from a teacher model as well as learning the labels (distill/). */
  distill?: DistillSettings;
  /** Start the token embeddings from this provisioned encoder's (pretrained/embed-init.ts). */
  embedInit?: PretrainedId;
  /** With `embedInit`: its rows frozen behind a learned projection (projected-embedding.ts). */
  embedProject?: boolean;
}

/** Progress of scoring the teacher's probabilities: texts done of the total. */
export type TeacherProgress = (done: number, total: number) => void;

/** Baselines fitted on the training split and scored on the validation split, for the card. */
async function baselineTable(
  train: readonly Example[],
  validation: readonly Example[],
  logger: Logger,
): Promise<Record<string, { accuracy: number; macroF1: number }>> {
  const { BASELINE_NAMES, makeBaseline } = await import('./baselines/index.ts');
  const truth = validation.map((e) => labelIndex(e.label));
  const out: Record<string, { accuracy: number; macroF1: number }> = {};
  for (const name of BASELINE_NAMES) {
    const baseline = makeBaseline(name);
    try {
      await baseline.fit(train);
      const probs = await baseline.predict(validation.map((e) => e.text));
      const m = metricsFromConfusion(confusionMatrix(truth, argmaxRows(probs)));
      out[name] = { accuracy: m.accuracy, macroF1: m.macroF1 };
    } catch (error) {
      logger.warn({ baseline: name, error: String(error) }, 'baseline skipped');
    } finally {
      await baseline.close?.();
    }
  }
  return out;
}

/**
 * `<dir name>-<12 hex of the SHA-256 of the weights as stored>`: the same training on the same backend
 * gives the same version. The hash reads the bytes weights.bin holds in `dtype` (rounded or quantized).
 */
export function modelVersion(
  model: tf.LayersModel,
  out: string,
  dtype: WeightsDtype = 'float32',
): string {
  const hash = createHash('sha256');
  for (const w of model.weights) {
    hash.update(
      encodeWeight(w.read().dataSync() as Float32Array, w.shape as number[], dtype, w.name).bytes,
    );
  }
  return `${path.basename(out)}-${hash.digest('hex').slice(0, 12)}`;
}

/** `folder/file` for each data file: what the card and training.json name, without local paths. */
export function dataFileNames(files: readonly string[]): string[] {
  return files.map((f) => path.basename(path.dirname(f)) + path.sep + path.basename(f));
}

/** Reads every file and carves the split the same way train and eval both do. */
export async function loadSplit(
  files: readonly string[],
  labelOptions: LabelOptions,
  fraction: number,
  seed: number,
): Promise<{ train: Example[]; validation: Example[] }> {
  const all: Example[] = [];
  for (const file of files) all.push(...(await readExamples(file, labelOptions)));
  return stratifiedSplit(all, fraction, seed);
}

function countBy(examples: readonly Example[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of examples) {
    const key = `${e.source}/${e.label}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The encoder's embedding initialiser, or a usage error saying in one line why it cannot be had. */
async function embeddingInit(id: PretrainedId): Promise<EmbeddingSource> {
  try {
    return await pretrainedEmbeddingInit(id);
  } catch (error) {
    throw new UsageError(`--embed-init ${id}: ${(error as Error).message}`);
  }
}

/** The training options with the encoder's embeddings: projected (frozen behind a projection) or as a start table. */
function withEmbeddings(
  options: TrainOptions,
  source: EmbeddingSource | undefined,
  project: boolean,
): TrainOptions {
  if (!source) return options;
  return project
    ? { ...options, embedProject: source.projected }
    : { ...options, embedInit: source.table };
}

export async function runTraining(
  run: TrainingRun,
  logger: Logger,
  onProgress: (p: Progress) => void,
  onTeacherProgress?: TeacherProgress,
): Promise<void> {
  if (run.embedProject && !run.embedInit) {
    throw new UsageError(
      '--embed-project needs --embed-init <encoder id>: the vectors it projects',
    );
  }
  if (run.distill) await checkDistillSettings(run.distill);
  const embedInit = run.embedInit ? await embeddingInit(run.embedInit) : undefined;
  const { train, validation } = await loadSplit(
    run.data,
    run.labelOptions,
    run.valFraction,
    run.seed,
  );
  logger.info(
    {
      train: train.length,
      validation: validation.length,
      labels: Object.fromEntries(LABELS.map((l) => [l, train.filter((e) => e.label === l).length])),
    },
    'data split',
  );
  if (run.distill) {
    await checkTeacherSplit(run.distill.teacher, {
      data: run.data,
      labelOptions: run.labelOptions,
      train,
      validation,
    });
  }
  // The teacher is scored first, on its own backend; the student's backend is chosen after it.
  const distillSet = run.distill
    ? await buildDistillSet(
        run.distill,
        { train, validation },
        run.train.seed,
        cacheDir(),
        logger,
        onTeacherProgress,
      )
    : undefined;
  const selection = await selectBackend(run.backend, logger);
  const trainOptions: TrainOptions =
    run.distill && distillSet
      ? {
          ...run.train,
          distill: {
            teacherProbs: distillSet.teacherProbs,
            transfer: distillSet.transfer,
            temperature: run.distill.temperature,
            weight: run.distill.weight,
            ...(distillSet.teacherFeatures
              ? {
                  features: {
                    ...distillSet.teacherFeatures,
                    weight: run.distill.featureWeight,
                  },
                }
              : {}),
          },
        }
      : run.train;
  const result = await trainModel(
    train,
    validation,
    withEmbeddings(trainOptions, embedInit, run.embedProject === true),
    onProgress,
  );
  const name = path.basename(run.out);
  const version = modelVersion(result.model, run.out);
  const machine = trainingMachine();
  await saveModelDir(run.out, result.model, result.tokenizer, {
    version,
    labels: LABELS,
    architecture: result.architecture,
    createdAt: new Date().toISOString(),
  });
  await writeFile(
    path.join(run.out, 'training.json'),
    `${JSON.stringify(
      {
        data: dataFileNames(run.data),
        split: { seed: run.seed, fraction: run.valFraction, labelOptions: run.labelOptions },
        train: run.train,
        ...(distillSet ? { distillation: distillSet.record } : {}),
        ...(run.embedInit ? { embedInit: run.embedInit } : {}),
        ...(run.embedProject ? { embedProject: true } : {}),
        classWeights: result.classWeights,
        validation: result.validation,
        history: result.history,
        bestEpochs: result.bestEpochs,
        memberMetrics: result.memberMetrics.map((m) => ({
          accuracy: m.accuracy,
          macroF1: m.macroF1,
        })),
        seconds: result.seconds,
        backend: selection.backend,
        machine,
      },
      null,
      2,
    )}\n`,
  );
  const baselines = run.baselines ? await baselineTable(train, validation, logger) : undefined;
  const sizeBytes = (await stat(path.join(run.out, 'weights.bin'))).size;
  const card = renderCard({
    name,
    version,
    architecture: result.architecture,
    parameters: result.model.countParams(),
    sizeBytes,
    ...(distillSet ? { distillation: distillSet.record } : {}),
    training: {
      ...run.train,
      ...(run.embedInit ? { embedInit: run.embedInit } : {}),
      ...(run.embedProject ? { embedProject: true } : {}),
      classWeights: result.classWeights.map((w) => Number(w.toFixed(3))),
    },
    dataFiles: dataFileNames(run.data),
    split: {
      seed: run.seed,
      fraction: run.valFraction,
      train: countBy(train),
      validation: countBy(validation),
    },
    validation: result.validation,
    ...(baselines ? { baselines } : {}),
    history: result.history,
    memberMetrics: result.memberMetrics,
    seconds: result.seconds,
    backend: selection.backend,
    machine,
    command: run.command,
  });
  await writeFile(path.join(run.out, 'card.md'), card);
  logger.info(
    {
      out: run.out,
      version,
      accuracy: result.validation.accuracy,
      macroF1: result.validation.macroF1,
      minutes: result.seconds / 60,
    },
    'model written',
  );
}
