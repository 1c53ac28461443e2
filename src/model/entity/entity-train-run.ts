/**
 * One entity-model training run end to end: read the entity-labelled headlines, split them by headline in
 * step with the encoder model's own split, run the encoder once per headline (states cached on disk), train
 * the head, save it beside a meta.json naming the encoder, and measure the saved model on the held-out
 * headlines against the headline-label baseline.
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendChoice } from '../../config/model.ts';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { LABELS } from '../architecture.ts';
import { selectBackend } from '../backend.ts';
import { labelIndex } from '../metrics.ts';
import { loadModelDir, saveModelDir } from '../model-files.ts';
import type { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import { dataFileNames, modelVersion } from '../train-run.ts';
import type { HistoryRow, Progress } from '../trainer.ts';
import type { WeightsDtype } from '../weight-storage.ts';
import { cachedStates, EncoderStates } from './encoder-states.ts';
import { renderEntityCard } from './entity-card.ts';
import type { EntityHeadline } from './entity-data.ts';
import { type EntityReport, measureEntities } from './entity-eval.ts';
import type { EntityMeta } from './entity-model-files.ts';
import { findMentions, spanPositions } from './entity-spans.ts';
import { splitForEncoder } from './entity-split.ts';
import { type EntityTrainOptions, type LabelledRow, trainEntityHead } from './entity-train.ts';

export interface EntityTrainingRun {
  /** Entity-labelled JSONL. */
  data: string;
  /** The encoder model directory (an accurate model). */
  encoderModel: string;
  /** The files the encoder model was trained on, to repeat its split; default: its record's names under the data's grandparent folder. */
  encoderData?: string[];
  out: string;
  weights: WeightsDtype;
  backend: BackendChoice;
  cacheDir: string;
  /** `fromLayer` absent: the encoder's layer count (the head reads the last layer's states). */
  train: Omit<EntityTrainOptions, 'fromLayer'> & { fromLayer?: number };
  command: string;
}

export interface EntityTrainingRecord {
  data: string;
  encoder: { dir: string; version: string; data: string[] };
  split: {
    headlines: { train: number; validation: number };
    rows: { train: number; validation: number };
  };
  train: EntityTrainOptions;
  weights: WeightsDtype;
  classWeights: number[];
  history: HistoryRow[];
  bestEpoch: number;
  statesSeconds: number;
  statesReused: boolean;
  seconds: number;
  backend: string;
  command: string;
  /** The saved model on the held-out headlines, beside the headline-label baseline. */
  report: EntityReport;
  /** A measured speed line for the card, added by hand after training (eval --entities prints it). */
  speed?: string;
}

export const ENTITY_TRAINING_FILE = 'training.json';

/** Entity rows of headlines: each entity's token positions in its headline's framed ids. */
export function entityRows(
  headlines: readonly EntityHeadline[],
  textIndex: ReadonlyMap<string, number>,
  framed: readonly number[][],
  tokenizer: WordPieceInput,
): LabelledRow[] {
  const counter = {
    contentLength: (t: string) => tokenizer.encode(t, Number.POSITIVE_INFINITY).length,
  };
  const rows: LabelledRow[] = [];
  for (const h of headlines) {
    const text = textIndex.get(h.text) ?? 0;
    const length = framed[text]?.length ?? 2;
    for (const e of h.entities) {
      const spans = findMentions(h.text, e.name);
      rows.push({
        text,
        positions: spanPositions(h.text, spans, counter, length),
        label: labelIndex(e.label),
      });
    }
  }
  return rows;
}

export async function runEntityTraining(
  run: EntityTrainingRun,
  logger: Logger,
  onProgress: (p: Progress) => void,
  onStates: (done: number, total: number) => void,
): Promise<EntityTrainingRecord> {
  const started = performance.now();
  const selection = await selectBackend(run.backend, logger);
  const { train, validation, encoderRecord } = await splitForEncoder(
    run.data,
    run.encoderModel,
    run.encoderData,
  );
  const encoder = await loadModelDir(run.encoderModel);
  const config = encoder.meta.architecture;
  if (!('kind' in config) || !('encodeFramed' in encoder.tokenizer)) {
    throw new UsageError(`${run.encoderModel} is not a pretrained-encoder (accurate) model`);
  }
  const tokenizer = encoder.tokenizer;
  const options = { ...run.train, fromLayer: run.train.fromLayer ?? config.encoder.layers };
  if (!(options.fromLayer >= 0 && options.fromLayer <= config.encoder.layers)) {
    throw new UsageError(
      `--from-layer must be 0…${config.encoder.layers}, got ${options.fromLayer}`,
    );
  }
  const texts = [...new Set([...train, ...validation].map((h) => h.text))];
  const textIndex = new Map(texts.map((t, i) => [t, i]));
  const framed = texts.map((t) => tokenizer.encodeFramed(t, config.maxLen));
  const statesStart = performance.now();
  const states = await cachedStates(
    new EncoderStates(encoder.model, config, options.fromLayer),
    encoder.meta.version,
    framed,
    path.join(run.cacheDir, 'encoder-states'),
    32,
    (done) => onStates(done, framed.length),
  );
  const statesSeconds = (performance.now() - statesStart) / 1000;
  logger.info(
    { texts: texts.length, seconds: Math.round(statesSeconds), reused: states.reused },
    'encoder states ready',
  );
  const trainRows = entityRows(train, textIndex, framed, tokenizer);
  const valRows = entityRows(validation, textIndex, framed, tokenizer);
  const result = trainEntityHead(
    states.states,
    trainRows,
    valRows,
    { model: encoder.model, encoder: config.encoder },
    options,
    onProgress,
  );
  const version = modelVersion(result.head, run.out, run.weights);
  const meta: EntityMeta = {
    version,
    labels: LABELS,
    architecture: result.architecture,
    encoder: {
      dir: path.relative(path.resolve(run.out), path.resolve(run.encoderModel)),
      version: encoder.meta.version,
      maxLen: config.maxLen,
    },
    createdAt: new Date().toISOString(),
  };
  await saveModelDir(run.out, result.head, undefined, meta, { weights: run.weights });
  result.head.dispose();
  // What ships is what gets measured: the saved head read back, beside the encoder model's headline labels.
  const report = await measureEntities(
    run.out,
    validation,
    valRows,
    encoder.model,
    states.states,
    textIndex,
    result.architecture,
  );
  encoder.model.dispose();
  const record: EntityTrainingRecord = {
    data: dataFileNames([run.data])[0] ?? run.data,
    encoder: { dir: meta.encoder.dir, version: meta.encoder.version, data: encoderRecord.data },
    split: {
      headlines: { train: train.length, validation: validation.length },
      rows: { train: trainRows.length, validation: valRows.length },
    },
    train: options,
    weights: run.weights,
    classWeights: result.classWeights,
    history: result.history,
    bestEpoch: result.bestEpoch,
    statesSeconds,
    statesReused: states.reused,
    seconds: (performance.now() - started) / 1000,
    backend: selection.backend,
    command: run.command,
    report,
  };
  await writeFile(path.join(run.out, ENTITY_TRAINING_FILE), `${JSON.stringify(record, null, 2)}\n`);
  const sizeBytes = (await stat(path.join(run.out, 'weights.bin'))).size;
  await writeFile(
    path.join(run.out, 'card.md'),
    renderEntityCard({ name: path.basename(run.out), meta, record, sizeBytes }),
  );
  return record;
}
