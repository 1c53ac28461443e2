/** One accurate-model training run end to end: split, load the pretrained encoder, fine-tune, save (float16 or int8 if asked) with training.json and the card, and measure the saved model on the validation split. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendChoice } from '../../config/model.ts';
import type { Logger } from '../../core/logger.ts';
import { LABELS } from '../architecture.ts';
import { selectBackend } from '../backend.ts';
import type { LabelOptions } from '../dataset.ts';
import { argmaxRows, confusionMatrix, labelIndex, metricsFromConfusion } from '../metrics.ts';
import { loadModelDir, saveModelDir, withWeightsDtype } from '../model-files.ts';
import { Predictor } from '../predictor.ts';
import { readEncoderWeights } from '../pretrained/encoder-weights.ts';
import { findPretrained, type PretrainedId } from '../pretrained/provisioned.ts';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import { dataFileNames, loadSplit, modelVersion } from '../train-run.ts';
import type { Progress } from '../trainer.ts';
import { trainingMachine } from '../training-machine.ts';
import type { WeightsDtype } from '../weight-storage.ts';
import { renderAccurateCard } from './card.ts';
import { type FineTuneOptions, fineTune } from './fine-tune.ts';
import { type AccurateTrainingRecord, TRAINING_FILE } from './training-record.ts';

export interface AccurateTrainingRun {
  data: string[];
  out: string;
  backend: BackendChoice;
  encoder: PretrainedId;
  seed: number;
  valFraction: number;
  labelOptions: LabelOptions;
  fineTune: FineTuneOptions;
  weights: WeightsDtype;
  command: string;
}

export async function runAccurateTraining(
  run: AccurateTrainingRun,
  logger: Logger,
  onProgress: (p: Progress) => void,
): Promise<void> {
  const found = findPretrained(run.encoder);
  if (!found.ok) throw new Error(found.reason);
  const selection = await selectBackend(run.backend, logger);
  const { train, validation } = await loadSplit(
    run.data,
    run.labelOptions,
    run.valFraction,
    run.seed,
  );
  logger.info({ train: train.length, validation: validation.length }, 'data split');
  const tokenizerJson: unknown = JSON.parse(await readFile(found.tokenizerFile, 'utf8'));
  const tokenizer = WordPieceInput.fromJson(tokenizerJson, found.tokenizerFile);
  const weights = await readEncoderWeights(found.dir);
  const framed = { encode: (text: string, maxLen: number) => tokenizer.encodeFramed(text, maxLen) };
  const result = fineTune(train, validation, framed, weights, run.fineTune, onProgress);
  const version = modelVersion(result.model, run.out, run.weights);
  const meta = withWeightsDtype(
    {
      version,
      labels: LABELS,
      architecture: result.architecture,
      tokenizer: 'wordpiece' as const,
      createdAt: new Date().toISOString(),
    },
    run.weights,
  );
  await saveModelDir(run.out, result.model, tokenizer, meta, { weights: run.weights });
  const parameters = result.model.countParams();
  result.model.dispose();
  // What ships is what gets measured: the saved weights, read back, through the scoring path.
  const saved = await loadModelDir(run.out);
  const probs = new Predictor(saved.model, saved.tokenizer, result.architecture.maxLen).predict(
    validation.map((e) => e.text),
  );
  const savedMetrics = metricsFromConfusion(
    confusionMatrix(
      validation.map((e) => labelIndex(e.label)),
      argmaxRows(probs),
    ),
  );
  saved.model.dispose();
  const record: AccurateTrainingRecord & { weights: WeightsDtype } = {
    data: dataFileNames(run.data),
    split: {
      seed: run.seed,
      fraction: run.valFraction,
      train: train.length,
      validation: validation.length,
      labelOptions: run.labelOptions,
    },
    encoder: weights.source,
    fineTune: run.fineTune,
    weights: run.weights,
    classWeights: result.classWeights,
    validation: result.validation,
    saved: savedMetrics,
    history: result.history,
    bestEpoch: result.bestEpoch,
    cacheSeconds: result.cacheSeconds,
    secondsPerStep: result.stepSeconds,
    seconds: result.seconds,
    backend: selection.backend,
    machine: trainingMachine(),
    command: run.command,
  };
  await writeFile(path.join(run.out, TRAINING_FILE), `${JSON.stringify(record, null, 2)}\n`);
  const sizeBytes = (await stat(path.join(run.out, 'weights.bin'))).size;
  await writeFile(
    path.join(run.out, 'card.md'),
    renderAccurateCard({ name: path.basename(run.out), meta, record, parameters, sizeBytes }),
  );
  logger.info(
    {
      out: run.out,
      version,
      accuracy: savedMetrics.accuracy,
      macroF1: savedMetrics.macroF1,
      sizeMB: sizeBytes / 1e6,
      minutes: result.seconds / 60,
    },
    'model written',
  );
}
