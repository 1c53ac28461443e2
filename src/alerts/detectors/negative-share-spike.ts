/** Negative-share spike: Wilson lower bound of the current share against the topic's smoothed baseline plus a margin. */
import type { DetectorSpec } from '../rules-schema.ts';
import { smoothedShare, wilsonLowerBound } from '../stats.ts';
import type { DetectorInput, DetectorResult } from './types.ts';

type Params = Extract<DetectorSpec, { type: 'negative-share-spike' }>;

export function negativeShareSpike(params: Params, input: DetectorInput): DetectorResult {
  const { current, baseline, confirm } = input;
  const baselineShare = Math.max(
    smoothedShare(baseline.negatives, baseline.count, params.prior.share, params.prior.weight),
    params.minBaselineShare,
  );
  const threshold = baselineShare + params.margin;
  const share = current.count > 0 ? current.negatives / current.count : 0;
  const lowerBound = wilsonLowerBound(current.negatives, current.count, params.z);
  let active = current.count >= params.minCount && lowerBound > threshold;
  let confirmShare: number | undefined;
  if (params.confirm) {
    const c = confirm ?? { count: 0, negatives: 0 };
    confirmShare = c.count > 0 ? c.negatives / c.count : 0;
    // The short window only confirms the spike is still under way, so its plain share is enough.
    active = active && c.count >= params.confirm.minCount && confirmShare > threshold;
  }
  return {
    active,
    value: lowerBound - threshold,
    values: {
      count: current.count,
      negatives: current.negatives,
      share,
      lowerBound,
      baselineCount: baseline.count,
      baselineNegatives: baseline.negatives,
      baselineShare,
      threshold,
      ...(params.confirm ? { confirmCount: confirm?.count ?? 0, confirmShare } : {}),
    },
  };
}
