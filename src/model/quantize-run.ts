/**
 * `bellwether quantize` end to end: read a saved accurate model in any stored dtype, write it in another with
 * its new version, tokenizer and training record, re-measure the recorded validation split when given the
 * training data (the path `eval --split validation` takes), and render the card with both readings.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendChoice } from '../config/model.ts';
import { UsageError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { AccurateConfig } from './accurate/architecture.ts';
import { renderAccurateCard } from './accurate/card.ts';
import {
  type AccurateTrainingRecord,
  readTrainingRecord,
  shippedMetrics,
  TRAINING_FILE,
} from './accurate/training-record.ts';
import { evaluate } from './evaluate.ts';
import { type EvalMetrics, metricsFromConfusion } from './metrics.ts';
import {
  loadLayersFrom,
  type ModelMeta,
  readModelMeta,
  saveModelDir,
  withWeightsDtype,
} from './model-files.ts';
import { dataFileNames, modelVersion } from './train-run.ts';
import type { WeightsDtype } from './weight-storage.ts';

export interface QuantizeRequest {
  model: string;
  out: string;
  dtype: WeightsDtype;
  /** The training data files; given, the recorded validation split is re-measured on the written model. */
  data?: string[];
  backend: BackendChoice;
  command: string;
}

export interface QuantizeProgress {
  step(message: string): void;
  scored(done: number, total: number): void;
}

export interface QuantizeResult {
  version: string;
  sizeBytes: number;
  before?: EvalMetrics;
  after?: EvalMetrics;
}

async function sourceMeta(dir: string): Promise<ModelMeta & { architecture: AccurateConfig }> {
  let meta: ModelMeta;
  try {
    meta = await readModelMeta(dir);
  } catch (error) {
    throw new UsageError(`no model at ${dir}: ${(error as Error).message}`);
  }
  if (!('kind' in meta.architecture)) {
    // The small hybrid's card is rendered from its training run, which training.json does not fully keep.
    throw new UsageError(
      `${dir} is the small hybrid model; quantize writes accurate models (arch accurate) only`,
    );
  }
  return meta as ModelMeta & { architecture: AccurateConfig };
}

async function checkOut(out: string): Promise<void> {
  const entries = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new UsageError(`--out ${out} exists and is not empty; give a new or empty directory`);
  }
}

/** The validation split is the one training carved only if the data files are the ones it read. */
function checkData(data: readonly string[], record: AccurateTrainingRecord): void {
  const given = dataFileNames(data);
  if (given.join('\n') !== record.data.join('\n')) {
    throw new UsageError(
      `--data ${given.join(' ')} is not what the model was trained on (${record.data.join(' ')}), so its validation split cannot be re-carved`,
    );
  }
}

const writeRecord = (out: string, record: AccurateTrainingRecord) =>
  writeFile(path.join(out, TRAINING_FILE), `${JSON.stringify(record, null, 2)}\n`);

export async function runQuantize(
  request: QuantizeRequest,
  logger: Logger,
  progress: QuantizeProgress,
): Promise<QuantizeResult> {
  const meta = await sourceMeta(request.model);
  const record = await readTrainingRecord(request.model);
  if (request.data) checkData(request.data, record);
  await checkOut(request.out);

  progress.step(`reading ${meta.version} (${meta.weightsDtype ?? 'float32'})`);
  const model = await loadLayersFrom(request.model);
  const tokenizer: unknown = JSON.parse(
    await readFile(path.join(request.model, 'tokenizer.json'), 'utf8'),
  );
  progress.step(`writing ${request.dtype} weights to ${request.out}`);
  const version = modelVersion(model, request.out, request.dtype);
  const written = withWeightsDtype(
    { ...meta, version, createdAt: new Date().toISOString() },
    request.dtype,
  );
  await saveModelDir(request.out, model, { toJSON: () => tokenizer }, written, {
    weights: request.dtype,
  });
  const parameters = model.countParams();
  model.dispose();

  const before = shippedMetrics(record);
  const quantized: AccurateTrainingRecord = {
    ...record,
    quantization: {
      from: { version: meta.version, weightsDtype: meta.weightsDtype ?? 'float32' },
      weightsDtype: request.dtype,
      command: request.command,
      ...(before ? { before } : {}),
    },
  };
  // eval --split validation reads the split's seed and fraction from the directory it scores.
  await writeRecord(request.out, quantized);
  let after: EvalMetrics | undefined;
  if (request.data) {
    progress.step(`re-measuring the validation split (seed ${record.split.seed})`);
    const report = await evaluate(
      {
        modelDir: request.out,
        data: request.data,
        split: 'validation',
        seed: record.split.seed,
        valFraction: record.split.fraction,
        labelOptions: record.split.labelOptions,
        backend: request.backend,
        workers: 0,
        onProgress: progress.scored,
      },
      logger,
    );
    after = metricsFromConfusion(report.confusion);
    logger.info(
      { seconds: report.seconds, textsPerSec: report.textsPerSec, backend: report.backend },
      'validation split scored',
    );
    if (quantized.quantization) quantized.quantization.after = after;
    await writeRecord(request.out, quantized);
  }
  const sizeBytes = (await stat(path.join(request.out, 'weights.bin'))).size;
  await writeFile(
    path.join(request.out, 'card.md'),
    renderAccurateCard({
      name: path.basename(request.out),
      meta: written,
      record: quantized,
      parameters,
      sizeBytes,
    }),
  );
  return { version, sizeBytes, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}
