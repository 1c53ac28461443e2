/** The entity model's card (card.md): what it reads, how it was trained and split, and what it scores held out. */
import type { EvalMetrics } from '../metrics.ts';
import type { EntityMeta } from './entity-model-files.ts';
import type { EntityTrainingRecord } from './entity-train-run.ts';

function pct(m: EvalMetrics): string {
  return `${m.accuracy.toFixed(3)} / ${m.macroF1.toFixed(3)}`;
}

function markText(meta: EntityMeta): string {
  const { fromLayer, encoder, lstmUnits } = meta.architecture;
  const where =
    fromLayer >= encoder.layers
      ? "to the encoder's last-layer states: one encoder pass per headline serves all its entities"
      : fromLayer === 0
        ? "to the encoder's embeddings (a segment embedding), and every encoder layer runs again per entity, fine-tuned here: the encoder reads the whole headline in the entity's light"
        : `to the states entering encoder layer ${fromLayer}; layers ${fromLayer}–${encoder.layers - 1} run again per entity (fine-tuned here), the ones below once per headline`;
  return `The entity is marked by a learned vector added, on the tokens of every mention, ${where}. A BiLSTM (${lstmUnits} units per direction) reads the result; the head sees mean and max over the headline and over the entity's tokens.`;
}

export function renderEntityCard(input: {
  name: string;
  meta: EntityMeta;
  record: EntityTrainingRecord;
  sizeBytes: number;
}): string {
  const { meta, record } = input;
  const { overall, disagreeing } = record.report;
  const t = record.train;
  return `# ${input.name}: entity sentiment

Version \`${meta.version}\`. Given a headline and one company it names, the sentiment toward that company
(negative, neutral, positive), which can differ from the headline's ("Infosys gains as Wipro slips").

## What it is
- Builds on the encoder model \`${meta.encoder.dir}\` (version \`${meta.encoder.version}\`: models/accurate,
  whose encoder is intfloat/e5-small-v2, MIT licence, credited in its card and the repository's NOTICE). It
  reads that model's ${meta.architecture.fromLayer === 0 ? 'embeddings' : 'token states'}, was trained on
  them, and refuses to load beside any other version of it.
- ${markText(meta)}
- Weights: ${record.weights}, ${(input.sizeBytes / 1e6).toFixed(2)} MB (the head, with its copy of the encoder layers it re-runs; the rest of the encoder is models/accurate). The held-out figures below are the saved weights'.

## Data and split
- ${record.data}: entity labels of SEntFiN headlines. Split by headline, never by entity row: a headline
  the encoder model validated on is held out here too; one it trained on trains here; headlines it never
  saw (those with no headline label, whose entities disagree) are split afresh (same seed and fraction).
- Headlines: ${record.split.headlines.train} train, ${record.split.headlines.validation} held out; entity rows:
  ${record.split.rows.train} / ${record.split.rows.validation}.
- Training: AdamW ${t.rate}, warm-up ${t.warmupFraction}, ${t.epochs} epochs at most (best: ${record.bestEpoch}),
  batch ${t.batchSize}, dropout ${t.dropout}, label smoothing ${t.labelSmoothing}, seed ${t.seed};
  ${Math.round(record.seconds)} s on ${record.backend} (encoder states ${Math.round(record.statesSeconds)} s${record.statesReused ? ', read from the cache' : ''}).

## Held-out headlines (accuracy / macro-F1)
| set | entities | headlines | this model | every entity gets the headline's label |
| --- | --- | --- | --- | --- |
| all | ${overall.rows} | ${overall.headlines} | ${pct(overall.model)} | ${pct(overall.headlineBaseline)} |
| entities disagree | ${disagreeing.rows} | ${disagreeing.headlines} | ${pct(disagreeing.model)} | ${pct(disagreeing.headlineBaseline)} |

The baseline's headline label is the encoder model's own headline prediction. The epoch kept is the one with
the best macro-F1 on these held-out headlines (as for every model here), so the figures lean slightly optimistic.
${record.speed ? `\n## Speed\n${record.speed}\n` : ''}
Reproduce: \`${record.command}\`
`;
}
