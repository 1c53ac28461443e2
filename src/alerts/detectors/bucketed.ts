/** z-score and EWMA detectors: the current negative share (or count) against per-bucket baseline history. */
import type { DetectorSpec } from '../rules-schema.ts';
import { ewma, moments } from '../stats.ts';
import type { DetectorInput, DetectorResult, WindowCounts } from './types.ts';

type Params = Extract<DetectorSpec, { type: 'negative-zscore' | 'negative-ewma' }>;

/** Default deviation floors: 5 percentage points of share, or one item of count. */
const DEFAULT_MIN_STD = { 'negative-share': 0.05, 'negative-count': 1 } as const;

function bucketValues(params: Params, buckets: readonly WindowCounts[]): number[] {
  if (params.metric === 'negative-count') return buckets.map((b) => b.negatives);
  // An empty bucket has no share: it is a gap, not a zero.
  return buckets.filter((b) => b.count > 0).map((b) => b.negatives / b.count);
}

function currentValue(params: Params, current: WindowCounts): number {
  if (params.metric === 'negative-share') {
    return current.count > 0 ? current.negatives / current.count : 0;
  }
  // Counts compare per bucket width, so a 30 min window against 1 h buckets is scaled.
  const bucket = params.bucket ?? params.window;
  return current.negatives * (bucket / params.window);
}

export function bucketedDetector(params: Params, input: DetectorInput): DetectorResult {
  const buckets = input.buckets ?? [];
  const history = bucketValues(params, buckets);
  const stats = params.type === 'negative-ewma' ? ewma(history, params.alpha) : moments(history);
  const std = Math.max(stats.std, params.minStd ?? DEFAULT_MIN_STD[params.metric]);
  const x = currentValue(params, input.current);
  const z = (x - stats.mean) / std;
  const nonEmpty = buckets.filter((b) => b.count > 0).length;
  const active =
    input.current.count >= params.minCount &&
    nonEmpty >= params.minBuckets &&
    z >= params.threshold;
  const baselineCount = buckets.reduce((sum, b) => sum + b.count, 0);
  const baselineNegatives = buckets.reduce((sum, b) => sum + b.negatives, 0);
  const isShare = params.metric === 'negative-share';
  return {
    active,
    value: z,
    values: {
      count: input.current.count,
      negatives: input.current.negatives,
      share: input.current.count > 0 ? input.current.negatives / input.current.count : 0,
      baselineCount,
      baselineNegatives,
      ...(isShare
        ? { baselineShare: stats.mean, threshold: stats.mean + params.threshold * std }
        : {}),
      z,
    },
  };
}
