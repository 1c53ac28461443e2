/** The accurate model's training.json: what its training run and any later quantization recorded, which the card is rendered from. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { LabelOptions } from '../dataset.ts';
import type { EvalMetrics } from '../metrics.ts';
import type { EncoderSource } from '../pretrained/encoder-weights.ts';
import type { HistoryRow } from '../trainer.ts';
import type { TrainingMachine } from '../training-machine.ts';
import type { WeightsDtype } from '../weight-storage.ts';
import type { FineTuneOptions } from './fine-tune.ts';

/** What `bellwether quantize` changed: the model it read, what it wrote, and the split read before and after. */
export interface QuantizationRecord {
  from: { version: string; weightsDtype: WeightsDtype };
  weightsDtype: WeightsDtype;
  command: string;
  /** The source's validation metrics as its own record gives them (absent if it had none). */
  before?: EvalMetrics;
  /** The written model on the same split (absent when quantize was not given the data). */
  after?: EvalMetrics;
}

export interface AccurateTrainingRecord {
  data: string[];
  split: {
    seed: number;
    fraction: number;
    train: number;
    validation: number;
    labelOptions: LabelOptions;
  };
  encoder: EncoderSource;
  fineTune: FineTuneOptions;
  classWeights: number[];
  /** The trained float32 weights (inputs cut to maxLen). */
  validation: EvalMetrics;
  /** The model as training saved it, read back through the scoring path. */
  saved: EvalMetrics;
  history: HistoryRow[];
  bestEpoch: number;
  cacheSeconds: number;
  secondsPerStep: number;
  seconds: number;
  backend: string;
  /** The CPU it trained on (absent in records written before it was kept): native results depend on it. */
  machine?: TrainingMachine;
  /** The training command (absent in records written before it was kept). */
  command?: string;
  quantization?: QuantizationRecord;
}

export const TRAINING_FILE = 'training.json';

/** The validation metrics of the model a record describes, as last measured (undefined if never). */
export function shippedMetrics(record: AccurateTrainingRecord): EvalMetrics | undefined {
  return record.quantization ? record.quantization.after : record.saved;
}

export async function readTrainingRecord(dir: string): Promise<AccurateTrainingRecord> {
  const file = path.join(dir, TRAINING_FILE);
  let record: Partial<AccurateTrainingRecord>;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<AccurateTrainingRecord>;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const missing = (
    ['data', 'split', 'encoder', 'fineTune', 'validation', 'history'] as const
  ).filter((key) => record[key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `${file} is not an accurate model's training record: no ${missing.join(', ')}`,
    );
  }
  return { ...(record as AccurateTrainingRecord), ...(await legacyCommand(dir, record)) };
}

/** Records written before training.json kept the command name it only in the card's "Reproduce:" line. */
async function legacyCommand(
  dir: string,
  record: Partial<AccurateTrainingRecord>,
): Promise<{ command?: string }> {
  if (record.command) return {};
  const card = await readFile(path.join(dir, 'card.md'), 'utf8').catch(() => '');
  const command = /^Reproduce: `(.+)`$/m.exec(card)?.[1];
  return command ? { command } : {};
}
