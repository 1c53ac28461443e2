/**
 * Assembles what a student distils from: the training texts, the transfer files' texts and augmented variants
 * of the training texts (never a validation text), with the teacher's probabilities for all of them.
 */
import path from 'node:path';
import type { BackendChoice } from '../../config/model.ts';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { selectBackendForModel } from '../backend-for-model.ts';
import type { Example } from '../dataset.ts';
import { findPretrained, type PretrainedId } from '../pretrained/provisioned.ts';
import { dataFileNames } from '../train-run.ts';
import { type AugmentCompany, augmentTexts } from './augment.ts';
import { fragmentVariants } from './fragments.ts';
import { teacherFeatures } from './teacher-features.ts';
import { readTeacherMeta, type TeacherPart, teacherProbabilities } from './teacher-probs.ts';
import { readTransferTexts } from './transfer-texts.ts';
import { wordNeighboursFor, wordSwapVariants } from './word-swap.ts';

export interface DistillSettings {
  /** Teacher model directory. */
  teacher: string;
  teacherBackend: BackendChoice;
  temperature: number;
  /** a: the KL term's share of a labelled text's loss (the rest is cross-entropy on its label). */
  weight: number;
  /** b: weight of matching the teacher's features (teacher-features.ts) from the student's hidden layer; 0 = off. */
  featureWeight: number;
  /** Files of unlabelled texts (.txt or .jsonl). */
  transfer: string[];
  /** Augmented variants per training text. */
  augment: number;
  /** Word-swap variants per training text (word-swap.ts), and the encoder whose word embeddings pick the swaps. */
  swapWords: number;
  swapEncoder: PretrainedId;
  /** Fragment variants per training text (fragments.ts): runs of its words and joins with another text. */
  fragments: number;
  /** Companies the augmentation swaps for each other (the configured watchlist's, loaded by the caller). */
  companies: readonly AugmentCompany[];
}

/** What training.json and the card record of a distillation. */
export interface DistillRecord {
  teacher: string;
  teacherVersion: string;
  temperature: number;
  weight: number;
  /** Absent when 0 (and in records made before feature matching existed). */
  featureWeight?: number;
  trainingTexts: number;
  transfer: {
    files: string[];
    texts: number;
    /** Dropped because they were a validation text (never distilled on) or already in the set. */
    droppedValidation: number;
    droppedDuplicates: number;
  };
  augment: { perText: number; texts: number };
  /** Absent when none were asked for (and in records made before word swaps existed). */
  swapWords?: { perText: number; texts: number; encoder: PretrainedId };
  /** Absent when none were asked for (and in records made before fragments existed). */
  fragments?: { perText: number; texts: number };
  /** Parts of the set whose teacher probabilities came from the cache. */
  cached: string[];
}

export interface DistillSet {
  /** Teacher probabilities (×3): the training texts in their order, then `transfer`. */
  teacherProbs: Float32Array;
  /** The teacher's features (× dim) in the same order, when `featureWeight` > 0. */
  teacherFeatures?: { dim: number; values: Float32Array };
  /** Unlabelled texts learned from the teacher alone: transfer files, augmented, word-swap and fragment variants. */
  transfer: string[];
  record: DistillRecord;
}

/** Refuses unusable settings before any data is read: a usage error saying which flag. */
export async function checkDistillSettings(settings: DistillSettings): Promise<void> {
  if (!(settings.temperature > 0) || !Number.isFinite(settings.temperature)) {
    throw new UsageError(`--temperature must be a number > 0, got ${settings.temperature}`);
  }
  if (!(settings.weight >= 0 && settings.weight <= 1)) {
    throw new UsageError(`--distill-weight must be within [0, 1], got ${settings.weight}`);
  }
  if (!(settings.featureWeight >= 0) || !Number.isFinite(settings.featureWeight)) {
    throw new UsageError(`--feature-weight must be a number ≥ 0, got ${settings.featureWeight}`);
  }
  if (!Number.isInteger(settings.augment) || settings.augment < 0) {
    throw new UsageError(`--augment must be a whole number ≥ 0, got ${settings.augment}`);
  }
  if (!Number.isInteger(settings.swapWords) || settings.swapWords < 0) {
    throw new UsageError(`--swap-words must be a whole number ≥ 0, got ${settings.swapWords}`);
  }
  if (!Number.isInteger(settings.fragments) || settings.fragments < 0) {
    throw new UsageError(`--fragments must be a whole number ≥ 0, got ${settings.fragments}`);
  }
  if (settings.swapWords > 0) {
    const encoder = findPretrained(settings.swapEncoder);
    if (!encoder.ok) {
      throw new UsageError(`--swap-words: encoder ${settings.swapEncoder}: ${encoder.reason}`);
    }
  }
  const teacher = await readTeacherMeta(settings.teacher);
  const members = 'members' in teacher.architecture ? (teacher.architecture.members ?? 1) : 1;
  if (settings.featureWeight > 0 && members > 1) {
    throw new UsageError(
      `--feature-weight: the teacher ${settings.teacher} is an ensemble of ${members} networks, with no single feature vector to match`,
    );
  }
}

/** Keeps each text once, and none that validates or is already a training text. */
function keepNew(
  texts: readonly string[],
  validation: ReadonlySet<string>,
  seen: Set<string>,
): { kept: string[]; droppedValidation: number; droppedDuplicates: number } {
  const kept: string[] = [];
  let droppedValidation = 0;
  let droppedDuplicates = 0;
  for (const text of texts) {
    const key = text.trim();
    if (validation.has(key)) droppedValidation++;
    else if (seen.has(key)) droppedDuplicates++;
    else {
      seen.add(key);
      kept.push(text);
    }
  }
  return { kept, droppedValidation, droppedDuplicates };
}

export async function buildDistillSet(
  settings: DistillSettings,
  split: { train: readonly Example[]; validation: readonly Example[] },
  seed: number,
  cacheDir: string,
  logger: Logger,
  onProgress?: (done: number, total: number) => void,
): Promise<DistillSet> {
  const trainTexts = split.train.map((e) => e.text);
  const validation = new Set(split.validation.map((e) => e.text.trim()));
  const seen = new Set(trainTexts.map((t) => t.trim()));
  const files: string[] = [];
  for (const file of settings.transfer) files.push(...(await readTransferTexts(file)));
  const transfer = keepNew(files, validation, seen);
  const variants =
    settings.augment > 0
      ? keepNew(
          augmentTexts(trainTexts, settings.augment, {
            seed,
            companies: settings.companies,
          }),
          validation,
          seen,
        ).kept
      : [];
  const swapped =
    settings.swapWords > 0
      ? keepNew(
          wordSwapVariants(
            trainTexts,
            settings.swapWords,
            await swapNeighbours(settings, trainTexts, cacheDir, logger),
            seed,
          ),
          validation,
          seen,
        ).kept
      : [];
  const fragments =
    settings.fragments > 0
      ? keepNew(fragmentVariants(trainTexts, settings.fragments, seed), validation, seen).kept
      : [];
  logger.info(
    {
      training: trainTexts.length,
      transfer: transfer.kept.length,
      droppedValidation: transfer.droppedValidation,
      droppedDuplicates: transfer.droppedDuplicates,
      augmented: variants.length,
      wordSwapped: swapped.length,
      fragments: fragments.length,
    },
    'distillation set',
  );
  const parts: TeacherPart[] = [
    { name: 'training texts', texts: trainTexts },
    ...(transfer.kept.length > 0 ? [{ name: 'transfer texts', texts: transfer.kept }] : []),
    ...(variants.length > 0 ? [{ name: 'augmented texts', texts: variants }] : []),
    ...(swapped.length > 0 ? [{ name: 'word-swap variants', texts: swapped }] : []),
    ...(fragments.length > 0 ? [{ name: 'fragments', texts: fragments }] : []),
  ];
  const teacherOptions = {
    dir: settings.teacher,
    backend: settings.teacherBackend,
    cacheDir,
    ...(onProgress ? { onProgress } : {}),
  };
  const scores = await teacherProbabilities(parts, teacherOptions, logger);
  const features =
    settings.featureWeight > 0 ? await teacherFeatures(parts, teacherOptions, logger) : undefined;
  return {
    teacherProbs: concatenate(scores.probs),
    ...(features
      ? { teacherFeatures: { dim: features.dim, values: concatenate(features.features) } }
      : {}),
    transfer: [...transfer.kept, ...variants, ...swapped, ...fragments],
    record: {
      teacher: path.basename(path.resolve(settings.teacher)),
      teacherVersion: scores.version,
      temperature: settings.temperature,
      weight: settings.weight,
      ...(settings.featureWeight > 0 ? { featureWeight: settings.featureWeight } : {}),
      trainingTexts: trainTexts.length,
      transfer: {
        files: dataFileNames(settings.transfer),
        texts: transfer.kept.length,
        droppedValidation: transfer.droppedValidation,
        droppedDuplicates: transfer.droppedDuplicates,
      },
      augment: { perText: settings.augment, texts: variants.length },
      ...(settings.swapWords > 0
        ? {
            swapWords: {
              perText: settings.swapWords,
              texts: swapped.length,
              encoder: settings.swapEncoder,
            },
          }
        : {}),
      ...(settings.fragments > 0
        ? { fragments: { perText: settings.fragments, texts: fragments.length } }
        : {}),
      cached: features
        ? scores.reused.filter((part) => features.reused.includes(part))
        : scores.reused,
    },
  };
}

/**
 * The swap encoder's word neighbours, or a usage error with the one-line reason (not provisioned). The
 * similarity products run on the teacher's backend, chosen here as the teacher's scoring would choose it:
 * tfjs's plain JavaScript one would take minutes.
 */
async function swapNeighbours(
  settings: DistillSettings,
  texts: readonly string[],
  cacheDir: string,
  logger: Logger,
) {
  const id = settings.swapEncoder;
  await selectBackendForModel(
    { choice: settings.teacherBackend, modelPath: settings.teacher, cacheDir },
    logger,
  );
  try {
    return await wordNeighboursFor(id, texts);
  } catch (error) {
    throw new UsageError(`--swap-words: encoder ${id}: ${(error as Error).message}`);
  }
}

function concatenate(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
