/** Runs the detector a rule names over its input, on items or stories; the switch is exhaustive over detector types. */
import type { DetectorSpec } from '../rules-schema.ts';
import { bucketedDetector } from './bucketed.ts';
import { meanScoreDrop } from './mean-score-drop.ts';
import { negativeShareSpike } from './negative-share-spike.ts';
import type { DetectorInput, DetectorResult, WindowCounts } from './types.ts';

/** Counts of distinct stories in place of items (items where the source knows no stories). */
function storyCounts(counts: WindowCounts): WindowCounts {
  return {
    ...counts,
    count: counts.stories ?? counts.count,
    negatives: counts.negativeStories ?? counts.negatives,
  };
}

function byStories(input: DetectorInput): DetectorInput {
  return {
    current: storyCounts(input.current),
    baseline: storyCounts(input.baseline),
    confirm: input.confirm && storyCounts(input.confirm),
    buckets: input.buckets?.map(storyCounts),
  };
}

function detect(detector: DetectorSpec, input: DetectorInput): DetectorResult {
  switch (detector.type) {
    case 'negative-share-spike':
      return negativeShareSpike(detector, input);
    case 'negative-zscore':
    case 'negative-ewma':
      return bucketedDetector(detector, input);
    case 'mean-score-drop':
      return meanScoreDrop(detector, input);
  }
}

/** Runs the detector on items or on stories, as the rule counts; the values always carry both volumes. */
export function runDetector(detector: DetectorSpec, input: DetectorInput): DetectorResult {
  const stories = 'count' in detector && detector.count === 'stories';
  const result = detect(detector, stories ? byStories(input) : input);
  return {
    ...result,
    values: {
      ...result.values,
      items: input.current.count,
      ...(input.current.stories === undefined ? {} : { stories: input.current.stories }),
    },
  };
}

export { planWindows } from './plan.ts';
export type { DetectorInput, DetectorResult, WindowCounts, WindowPlan } from './types.ts';
