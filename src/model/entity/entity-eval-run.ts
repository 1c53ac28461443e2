/** `bellwether eval --entities`: the entity model on entity-labelled JSONL, every headline or the held-out split it was trained with. */
import path from 'node:path';
import type { BackendChoice } from '../../config/model.ts';
import type { Logger } from '../../core/logger.ts';
import type { EvalMetrics } from '../metrics.ts';
import { type EntityHeadline, readEntityHeadlines } from './entity-data.ts';
import { type EntityReport, entityReport, outcomesOf } from './entity-eval.ts';
import { readEntityMeta } from './entity-model-files.ts';
import { createEntityScorer } from './entity-scorer.ts';
import { findMentions } from './entity-spans.ts';
import { splitForEncoder } from './entity-split.ts';

export interface EntityEvalRun {
  modelDir: string;
  data: string;
  split: 'all' | 'validation';
  encoderData?: string[];
  backend: BackendChoice;
}

export interface EntityEvalResult extends EntityReport {
  model: string;
  encoder: string;
  data: string;
  split: 'all' | 'validation';
  backend: string;
  /** Entities (rows) and headlines scored per second, the encoder pass included. */
  rowsPerSec: number;
  headlinesPerSec: number;
}

export async function runEntityEval(run: EntityEvalRun, logger: Logger): Promise<EntityEvalResult> {
  const meta = await readEntityMeta(run.modelDir);
  const headlines: EntityHeadline[] =
    run.split === 'validation'
      ? (
          await splitForEncoder(
            run.data,
            path.resolve(run.modelDir, meta.encoder.dir),
            run.encoderData,
          )
        ).validation
      : await readEntityHeadlines(run.data);
  const scorer = await createEntityScorer({
    dir: run.modelDir,
    backend: run.backend,
    logger,
  });
  const queries = headlines.map((h) => ({
    text: h.text,
    entities: h.entities.map((e) => findMentions(h.text, e.name)),
  }));
  const started = performance.now();
  const scores = scorer.score(queries);
  const seconds = (performance.now() - started) / 1000;
  await scorer.close();
  const report = entityReport(outcomesOf(headlines, scores.entities, scores.headlines));
  return {
    ...report,
    model: meta.version,
    encoder: meta.encoder.version,
    data: run.data,
    split: run.split,
    backend: scorer.backend,
    rowsPerSec: report.overall.rows / seconds,
    headlinesPerSec: headlines.length / seconds,
  };
}

function reading(m: EvalMetrics): string {
  return `accuracy ${m.accuracy.toFixed(4)}  macro-F1 ${m.macroF1.toFixed(4)}`;
}

export function formatEntityReport(r: EntityEvalResult): string {
  const lines = [
    `entity model ${r.model} (encoder ${r.encoder}) on ${r.data} [${r.split}], backend ${r.backend}`,
    `all: ${r.overall.rows} entities in ${r.overall.headlines} headlines`,
    `  entity model            ${reading(r.overall.model)}`,
    `  headline label for all  ${reading(r.overall.headlineBaseline)}`,
    `entities disagree: ${r.disagreeing.rows} entities in ${r.disagreeing.headlines} headlines`,
    `  entity model            ${reading(r.disagreeing.model)}`,
    `  headline label for all  ${reading(r.disagreeing.headlineBaseline)}`,
    `throughput: ${r.headlinesPerSec.toFixed(1)} headlines/s, ${r.rowsPerSec.toFixed(1)} entities/s`,
  ];
  return `${lines.join('\n')}\n`;
}
