/**
 * The teacher's features for distillation texts: the vector its softmax head reads (the accurate model's
 * mean/max-pooled BiLSTM states, 256 values), which tells a student far more per text than three
 * probabilities. Scored once on the teacher's own backend and cached as raw float32 per teacher version
 * and text set, beside a small JSON header that says what the file holds.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { loadModelDir } from '../model-files.ts';
import { Predictor } from '../predictor.ts';
import {
  readTeacherMeta,
  type TeacherOptions,
  type TeacherPart,
  teacherBackend,
  textsHash,
} from './teacher-probs.ts';

export interface TeacherFeatures {
  version: string;
  /** Values per text. */
  dim: number;
  /** Row-major × dim per part, in the parts' order. */
  features: Float32Array[];
  reused: string[];
}

/** Texts per model run, as for the probabilities. */
const BATCH = 256;

const headerSchema = z.object({
  teacher: z.string(),
  texts: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  sha256: z.string(),
  backend: z.string(),
  /** scoringKey() of the run that scored them (teacher-probs.ts). */
  key: z.string(),
});

function cacheBase(cacheDir: string, version: string, sha: string, key: string): string {
  return path.join(cacheDir, 'teacher-features', `${version}-${sha.slice(0, 16)}-${key}`);
}

/**
 * The teacher cut at its softmax head: ids → the head's input. Inference mode makes the head's dropout the
 * identity, so the accurate model gives its pooled states and a single small hybrid its hidden layer. An
 * ensemble has one head per member and no single feature vector.
 */
export function featureModel(model: tf.LayersModel, dir: string): tf.LayersModel {
  let head: tf.layers.Layer;
  try {
    head = model.getLayer('probs');
  } catch {
    throw new UsageError(
      `--feature-weight: the teacher ${dir} has no single softmax head (an ensemble?), so no features to distil`,
    );
  }
  return tf.model({ inputs: model.inputs, outputs: head.input as tf.SymbolicTensor });
}

async function readCached(
  base: string,
  version: string,
  texts: readonly string[],
  sha: string,
  key: string,
  logger: Logger,
): Promise<{ dim: number; values: Float32Array } | undefined> {
  let header: z.infer<typeof headerSchema>;
  let bytes: Buffer;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(await readFile(`${base}.json`, 'utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad header');
    header = parsed.data;
    bytes = await readFile(`${base}.bin`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn(
        `teacher features ${base} unreadable, scoring again: ${(error as Error).message}`,
      );
    }
    return undefined;
  }
  if (
    header.teacher !== version ||
    header.key !== key ||
    header.sha256 !== sha ||
    header.texts !== texts.length ||
    bytes.byteLength !== texts.length * header.dim * 4
  ) {
    logger.warn(`teacher features ${base} do not match their texts, scoring again`);
    return undefined;
  }
  // A copy, so the values are aligned whatever offset the file's buffer came at.
  const values = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(values.buffer).set(bytes);
  return { dim: header.dim, values };
}

async function writeCached(
  base: string,
  header: z.infer<typeof headerSchema>,
  values: Float32Array,
): Promise<void> {
  await mkdir(path.dirname(base), { recursive: true });
  // The data first and the header last: a header only ever describes a complete data file.
  for (const [file, data] of [
    [`${base}.bin`, Buffer.from(values.buffer, values.byteOffset, values.byteLength)],
    [`${base}.json`, JSON.stringify(header)],
  ] as const) {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, data);
    await rename(temporary, file);
  }
}

/** Each part's teacher features, from the cache where present; the rest scored in one pass of the loaded teacher. */
export async function teacherFeatures(
  parts: readonly TeacherPart[],
  options: TeacherOptions,
  logger: Logger,
): Promise<TeacherFeatures> {
  const meta = await readTeacherMeta(options.dir);
  const { version } = meta;
  const backend = await teacherBackend(options, logger);
  const { key } = backend;
  const keys = parts.map((part) => {
    const sha = textsHash(part.texts);
    return { sha, base: cacheBase(options.cacheDir, version, sha, key) };
  });
  const found: Array<{ dim: number; values: Float32Array } | undefined> = [];
  const reused: string[] = [];
  for (const [i, part] of parts.entries()) {
    const { sha, base } = keys[i] ?? { sha: '', base: '' };
    const cached = await readCached(base, version, part.texts, sha, key, logger);
    found.push(cached);
    if (cached) reused.push(part.name);
  }
  const missing = [...parts.keys()].filter((i) => !found[i]);
  if (missing.length > 0) {
    const selection = await backend.select();
    const loaded = await loadModelDir(options.dir);
    try {
      const predictor = new Predictor(
        featureModel(loaded.model, options.dir),
        loaded.tokenizer,
        meta.architecture.maxLen,
      );
      const dim = predictor.width;
      const total = missing.reduce((sum, i) => sum + (parts[i]?.texts.length ?? 0), 0);
      const started = performance.now();
      let done = 0;
      for (const i of missing) {
        const texts = parts[i]?.texts ?? [];
        const values = new Float32Array(texts.length * dim);
        for (let start = 0; start < texts.length; start += BATCH) {
          values.set(predictor.predict(texts.slice(start, start + BATCH)), start * dim);
          done += Math.min(BATCH, texts.length - start);
          options.onProgress?.(done, total);
        }
        found[i] = { dim, values };
        const { sha, base } = keys[i] ?? { sha: '', base: '' };
        const header = { teacher: version, texts: texts.length, dim, sha256: sha };
        await writeCached(base, { ...header, backend: selection.backend, key }, values);
      }
      const seconds = (performance.now() - started) / 1000;
      logger.info(
        { teacher: version, backend: selection.backend, texts: total, dim, seconds },
        `teacher features for ${total} texts`,
      );
    } finally {
      loaded.model.dispose();
    }
  }
  const dims = new Set(found.map((f) => f?.dim));
  const [dim] = dims;
  if (dims.size !== 1 || dim === undefined) {
    throw new Error(`teacher features of unequal widths across parts: ${[...dims].join(', ')}`);
  }
  return { version, dim, features: found.map((f) => f?.values ?? new Float32Array(0)), reused };
}
