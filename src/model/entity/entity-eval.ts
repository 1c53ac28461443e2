/**
 * Entity-level accuracy and macro-F1, overall and on the headlines whose entities disagree, beside the
 * baseline that gives every entity its headline's label (what bellwether did before entity scoring, and
 * wrong by construction wherever the entities disagree).
 */
import type * as tf from '@tensorflow/tfjs';
import {
  argmaxRows,
  confusionMatrix,
  type EvalMetrics,
  labelIndex,
  metricsFromConfusion,
} from '../metrics.ts';
import { loadLayersFrom } from '../model-files.ts';
import type { TextStates } from './encoder-states.ts';
import { type EntityHeadline, entitiesDisagree } from './entity-data.ts';
import { type EntityHeadConfig, registerEntityLayers } from './entity-head.ts';
import { type EntityRow, predictRows } from './entity-rows.ts';
import { headlineProbs } from './headline-head.ts';

export interface EntityScores {
  model: EvalMetrics;
  headlineBaseline: EvalMetrics;
  rows: number;
  headlines: number;
}

export interface EntityReport {
  overall: EntityScores;
  /** Headlines whose entities carry two or more different labels. */
  disagreeing: EntityScores;
}

/** One entity's gold label, the model's label and the baseline's (its headline's), with whether its headline's entities disagree. */
export interface EntityOutcome {
  gold: number;
  predicted: number;
  headline: number;
  disagreeing: boolean;
  headlineIndex: number;
}

function scores(outcomes: readonly EntityOutcome[]): EntityScores {
  const gold = outcomes.map((o) => o.gold);
  return {
    model: metricsFromConfusion(
      confusionMatrix(
        gold,
        outcomes.map((o) => o.predicted),
      ),
    ),
    headlineBaseline: metricsFromConfusion(
      confusionMatrix(
        gold,
        outcomes.map((o) => o.headline),
      ),
    ),
    rows: outcomes.length,
    headlines: new Set(outcomes.map((o) => o.headlineIndex)).size,
  };
}

export function entityReport(outcomes: readonly EntityOutcome[]): EntityReport {
  return { overall: scores(outcomes), disagreeing: scores(outcomes.filter((o) => o.disagreeing)) };
}

/** Outcomes of headlines from per-entity probabilities (entities in order) and per-headline probabilities. */
export function outcomesOf(
  headlines: readonly EntityHeadline[],
  entityProbs: Float32Array,
  headlineProbsByIndex: Float32Array,
): EntityOutcome[] {
  const predicted = argmaxRows(entityProbs);
  const headline = argmaxRows(headlineProbsByIndex);
  const out: EntityOutcome[] = [];
  headlines.forEach((h, headlineIndex) => {
    const disagreeing = entitiesDisagree(h);
    for (const e of h.entities) {
      out.push({
        gold: labelIndex(e.label),
        predicted: predicted[out.length] ?? 1,
        headline: headline[headlineIndex] ?? 1,
        disagreeing,
        headlineIndex,
      });
    }
  });
  return out;
}

/** The saved head in `dir` on `headlines` (whose entity rows are `rows`, in order), from encoder states already computed. */
export async function measureEntities(
  dir: string,
  headlines: readonly EntityHeadline[],
  rows: readonly EntityRow[],
  encoderModel: tf.LayersModel,
  states: readonly TextStates[],
  textIndex: ReadonlyMap<string, number>,
  architecture: EntityHeadConfig,
): Promise<EntityReport> {
  registerEntityLayers();
  const head = await loadLayersFrom(dir);
  const { encoder, fromLayer } = architecture;
  const entityProbs = predictRows(head, states, rows, encoder.hidden);
  head.dispose();
  const own = headlines.map((h) => states[textIndex.get(h.text) ?? 0] as TextStates);
  return entityReport(
    outcomesOf(headlines, entityProbs, headlineProbs(encoderModel, own, encoder, fromLayer)),
  );
}
