/**
 * The teacher's class probabilities for distillation texts: scored once in batches on the teacher's own
 * backend, and cached on disk per teacher version, text set and backend (for native TensorFlow also the CPU's
 * vector instructions, which change its rounding) so that later runs read back exactly what they would score.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BackendChoice } from '../../config/model.ts';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { LABELS } from '../architecture.ts';
import { type ModelBackendSelection, selectBackendForModel } from '../backend-for-model.ts';
import { loadModelDir, type ModelMeta, readModelMeta } from '../model-files.ts';
import { Predictor } from '../predictor.ts';
import { type TrainingMachine, trainingMachine } from '../training-machine.ts';

/** One set of texts cached on its own (training texts, a transfer file, the augmented variants). */
export interface TeacherPart {
  name: string;
  texts: readonly string[];
}

export interface TeacherOptions {
  /** Any model directory the project loads (the small hybrid or the accurate model). */
  dir: string;
  backend: BackendChoice;
  /** Holds `teacher-probs/` and the teacher's backend probe. */
  cacheDir: string;
  onProgress?: (done: number, total: number) => void;
}

export interface TeacherScores {
  version: string;
  /** Row-major ×3 per part, in the parts' order. */
  probs: Float32Array[];
  /** Parts read from the cache, and parts scored now. */
  reused: string[];
  scored: string[];
}

/** Texts per model run: a progress line every batch, and few enough that an accurate-model batch stays small in memory. */
const BATCH = 256;

const cacheSchema = z.object({
  teacher: z.string(),
  /** scoringKey() of the run that scored them. */
  key: z.string(),
  texts: z.number().int().nonnegative(),
  sha256: z.string(),
  backend: z.string(),
  probs: z.array(z.number()),
});

/** SHA-256 of the texts in order, each length-prefixed so that no two lists hash alike by joining differently. */
export function textsHash(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:${text}`);
  return hash.digest('hex');
}

/**
 * What probabilities depend on besides the teacher and the texts: the backend, and on native TensorFlow the
 * vector instructions its kernels use (the CPU's widest, or an ONEDNN_MAX_CPU_ISA cap).
 */
export function scoringKey(backend: string, machine: TrainingMachine = trainingMachine()): string {
  if (!backend.startsWith('tensorflow')) return backend;
  return `${backend}-${machine.isaCap ? `cap-${machine.isaCap.toLowerCase()}` : machine.vectorIsa}`;
}

/**
 * Where the teacher scores and the cache key that goes with it: an explicit backend names its key without
 * loading anything; auto is resolved (the probe, cached per model and machine) first. `select` loads the
 * backend once, when something must be scored.
 */
export async function teacherBackend(
  options: TeacherOptions,
  logger: Logger,
): Promise<{ key: string; select: () => Promise<ModelBackendSelection> }> {
  let selection: Promise<ModelBackendSelection> | undefined;
  const select = () => {
    selection ??= selectBackendForModel(
      { choice: options.backend, modelPath: options.dir, cacheDir: options.cacheDir },
      logger,
    );
    return selection;
  };
  const backend = options.backend === 'auto' ? (await select()).backend : options.backend;
  return { key: scoringKey(backend), select };
}

function cacheFile(cacheDir: string, version: string, sha: string, key: string): string {
  return path.join(cacheDir, 'teacher-probs', `${version}-${sha.slice(0, 16)}-${key}.json`);
}

/** The teacher's meta.json, or a usage error that says why the directory is no teacher. */
export async function readTeacherMeta(dir: string): Promise<ModelMeta> {
  let meta: ModelMeta;
  try {
    meta = await readModelMeta(dir);
  } catch (error) {
    throw new UsageError(`--teacher ${dir}: not a model directory (${(error as Error).message})`);
  }
  if (JSON.stringify(meta.labels) !== JSON.stringify(LABELS)) {
    throw new UsageError(
      `--teacher ${dir}: its labels ${JSON.stringify(meta.labels)} are not ${LABELS.join(', ')}`,
    );
  }
  return meta;
}

async function readCached(
  file: string,
  version: string,
  texts: readonly string[],
  sha: string,
  key: string,
  logger: Logger,
): Promise<Float32Array | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn(`teacher cache ${file} unreadable, scoring again: ${(error as Error).message}`);
    }
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = cacheSchema.safeParse(json);
  const entry = parsed.success ? parsed.data : undefined;
  if (
    !entry ||
    entry.teacher !== version ||
    entry.key !== key ||
    entry.sha256 !== sha ||
    entry.probs.length !== texts.length * 3
  ) {
    logger.warn(`teacher cache ${file} does not match its texts, scoring again`);
    return undefined;
  }
  return Float32Array.from(entry.probs);
}

async function writeCached(file: string, entry: z.infer<typeof cacheSchema>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(entry));
  await rename(temporary, file);
}

/** Each part's teacher probabilities, from the cache where present; the rest scored in one pass of the loaded teacher. */
export async function teacherProbabilities(
  parts: readonly TeacherPart[],
  options: TeacherOptions,
  logger: Logger,
): Promise<TeacherScores> {
  const meta = await readTeacherMeta(options.dir);
  const { version } = meta;
  const probs: Array<Float32Array | undefined> = [];
  const reused: string[] = [];
  const backend = await teacherBackend(options, logger);
  const { key } = backend;
  const keys = parts.map((part) => {
    const sha = textsHash(part.texts);
    return { sha, file: cacheFile(options.cacheDir, version, sha, key) };
  });
  for (const [i, part] of parts.entries()) {
    const { sha, file } = keys[i] ?? { sha: '', file: '' };
    const cached = await readCached(file, version, part.texts, sha, key, logger);
    probs.push(cached);
    if (cached) {
      reused.push(part.name);
      logger.info(
        { teacher: version, part: part.name, texts: part.texts.length, file },
        `teacher probabilities for ${part.name} reused from the cache`,
      );
    }
  }
  const missing = [...parts.keys()].filter((i) => !probs[i]);
  if (missing.length > 0) {
    const selection = await backend.select();
    const loaded = await loadModelDir(options.dir);
    const predictor = new Predictor(loaded.model, loaded.tokenizer, meta.architecture.maxLen);
    const total = missing.reduce((sum, i) => sum + (parts[i]?.texts.length ?? 0), 0);
    const started = performance.now();
    let done = 0;
    try {
      for (const i of missing) {
        const texts = parts[i]?.texts ?? [];
        const out = new Float32Array(texts.length * 3);
        for (let start = 0; start < texts.length; start += BATCH) {
          out.set(predictor.predict(texts.slice(start, start + BATCH)), start * 3);
          done += Math.min(BATCH, texts.length - start);
          options.onProgress?.(done, total);
        }
        probs[i] = out;
        const { sha, file } = keys[i] ?? { sha: '', file: '' };
        await writeCached(file, {
          teacher: version,
          key,
          texts: texts.length,
          sha256: sha,
          backend: selection.backend,
          probs: Array.from(out),
        });
      }
    } finally {
      loaded.model.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      {
        teacher: version,
        backend: selection.backend,
        texts: total,
        seconds,
        textsPerSec: total / Math.max(seconds, 1e-3),
      },
      `teacher scored ${total} texts`,
    );
  }
  return {
    version,
    probs: probs.map((p) => p ?? new Float32Array(0)),
    reused,
    scored: missing.map((i) => parts[i]?.name ?? ''),
  };
}
