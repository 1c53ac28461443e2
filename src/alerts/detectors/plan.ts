/** The time windows each detector reads at an evaluation instant. */
import type { DetectorSpec } from '../rules-schema.ts';
import type { TimeRange, WindowPlan } from './types.ts';

/** Baseline ends where the current window starts (less the offset), so a spike never pollutes it. */
export function planWindows(detector: DetectorSpec, nowMs: number): WindowPlan {
  const current: TimeRange = { fromMs: nowMs - detector.window, toMs: nowMs };
  const baselineEnd = current.fromMs - detector.baselineOffset;
  const baseline: TimeRange = { fromMs: baselineEnd - detector.baseline, toMs: baselineEnd };
  switch (detector.type) {
    case 'negative-share-spike':
      return {
        current,
        baseline,
        confirm: detector.confirm
          ? { fromMs: nowMs - detector.confirm.window, toMs: nowMs }
          : undefined,
      };
    case 'negative-zscore':
    case 'negative-ewma': {
      const width = detector.bucket ?? detector.window;
      const buckets: TimeRange[] = [];
      // Whole buckets back from the baseline's end; a partial oldest bucket is left out.
      for (let end = baselineEnd; end - width >= baseline.fromMs; end -= width) {
        buckets.unshift({ fromMs: end - width, toMs: end });
      }
      return { current, baseline, buckets };
    }
    case 'mean-score-drop':
      return { current, baseline };
  }
}
