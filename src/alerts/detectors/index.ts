/** Runs the detector a rule names over its input; the switch is exhaustive over detector types. */
import type { DetectorSpec } from '../rules-schema.ts';
import { bucketedDetector } from './bucketed.ts';
import { meanScoreDrop } from './mean-score-drop.ts';
import { negativeShareSpike } from './negative-share-spike.ts';
import type { DetectorInput, DetectorResult } from './types.ts';

export function runDetector(detector: DetectorSpec, input: DetectorInput): DetectorResult {
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

export { planWindows } from './plan.ts';
export type { DetectorInput, DetectorResult, WindowCounts, WindowPlan } from './types.ts';
