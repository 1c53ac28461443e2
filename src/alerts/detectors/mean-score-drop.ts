/** Mean-score drop: the current mean score against the topic's prior-smoothed baseline mean. */
import type { DetectorSpec } from '../rules-schema.ts';
import type { DetectorInput, DetectorResult } from './types.ts';

type Params = Extract<DetectorSpec, { type: 'mean-score-drop' }>;

export function meanScoreDrop(params: Params, input: DetectorInput): DetectorResult {
  const { current, baseline } = input;
  const weight = params.prior.weight;
  const baselineMean =
    baseline.count + weight > 0
      ? (baseline.scoreSum + params.prior.mean * weight) / (baseline.count + weight)
      : params.prior.mean;
  const meanScore = current.count > 0 ? current.scoreSum / current.count : 0;
  const drop = baselineMean - meanScore;
  const active =
    current.count >= params.minCount && drop >= params.drop && meanScore <= params.maxMean;
  return {
    active,
    value: drop,
    values: {
      count: current.count,
      negatives: current.negatives,
      share: current.count > 0 ? current.negatives / current.count : 0,
      baselineCount: baseline.count,
      baselineNegatives: baseline.negatives,
      meanScore,
      baselineMeanScore: baselineMean,
      drop,
    },
  };
}
