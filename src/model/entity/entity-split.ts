/** The entity split of a data file for an encoder model: its own split repeated from its training record, then split by headline. */
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { type AccurateTrainingRecord, readTrainingRecord } from '../accurate/training-record.ts';
import { dataFileNames, loadSplit } from '../train-run.ts';
import { type EntityHeadline, readEntityHeadlines, splitEntityHeadlines } from './entity-data.ts';

function resolveEncoderData(
  data: string,
  encoderModel: string,
  recorded: readonly string[],
  given: readonly string[] | undefined,
): string[] {
  if (given) {
    const names = dataFileNames(given);
    if (names.join('\n') !== recorded.join('\n')) {
      throw new UsageError(
        `--encoder-data names ${names.join(', ')} but ${encoderModel} was trained on ${recorded.join(', ')}`,
      );
    }
    return [...given];
  }
  // The record names files as folder/file: look for them beside the data file's folder.
  const root = path.dirname(path.dirname(path.resolve(data)));
  return recorded.map((name) => path.join(root, name));
}

export async function splitForEncoder(
  data: string,
  encoderModel: string,
  encoderData: readonly string[] | undefined,
): Promise<{
  train: EntityHeadline[];
  validation: EntityHeadline[];
  encoderRecord: AccurateTrainingRecord;
}> {
  const encoderRecord = await readTrainingRecord(encoderModel);
  const files = resolveEncoderData(data, encoderModel, encoderRecord.data, encoderData);
  const { split } = encoderRecord;
  const encoderSplit = await loadSplit(files, split.labelOptions, split.fraction, split.seed).catch(
    (error: unknown) => {
      throw new UsageError(
        `cannot repeat ${encoderModel}'s split from ${files.join(', ')} (pass --encoder-data): ${(error as Error).message}`,
      );
    },
  );
  const headlines = await readEntityHeadlines(data);
  const { train, validation } = splitEntityHeadlines({
    headlines,
    encoderValidation: new Set(encoderSplit.validation.map((e) => e.text)),
    encoderTraining: new Set(encoderSplit.train.map((e) => e.text)),
    fraction: split.fraction,
    seed: split.seed,
  });
  return { train, validation, encoderRecord };
}
