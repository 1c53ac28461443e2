// Each detector against hand-computed values, and the low-volume guarantees.
import { describe, expect, it } from 'vitest';
import { parseRules } from '../rules-file.ts';
import type { DetectorSpec } from '../rules-schema.ts';
import { planWindows, runDetector } from './index.ts';
import type { WindowCounts } from './types.ts';

/** A detector with its defaults filled in, as a rules file would give it. */
function detector(fields: string): DetectorSpec {
  const file = parseRules(`rules:\n  - name: T\n    detector: { ${fields} }\n`);
  const rule = file.rules[0];
  if (!rule) throw new Error('no rule');
  return rule.detector;
}

const counts = (count: number, negatives: number, scoreSum = 0): WindowCounts => ({
  count,
  negatives,
  positives: 0,
  scoreSum,
});

const MIN = 60_000;

describe('negative-share spike', () => {
  const spike = detector(
    'type: negative-share-spike, minCount: 8, z: 1.96, margin: 0.15, prior: { share: 0.2, weight: 20 }',
  );

  it('fires when the Wilson lower bound beats the smoothed baseline plus the margin', () => {
    const result = runDetector(spike, { current: counts(10, 8), baseline: counts(100, 10) });
    // baseline (10 + 0.2·20) / 120 = 0.11667; threshold 0.26667; lower bound of 8/10 = 0.49016
    expect(result.values.baselineShare).toBeCloseTo(14 / 120, 6);
    expect(result.values.threshold).toBeCloseTo(14 / 120 + 0.15, 6);
    expect(result.values.lowerBound).toBeCloseTo(0.490157, 5);
    expect(result.value).toBeCloseTo(0.22349, 4);
    expect(result.active).toBe(true);
  });

  it('stays quiet when the share is high but the volume is below minCount', () => {
    const result = runDetector(spike, { current: counts(7, 7), baseline: counts(100, 10) });
    expect(result.active).toBe(false);
  });

  it('stays quiet when the baseline is already as negative', () => {
    const result = runDetector(spike, { current: counts(10, 8), baseline: counts(200, 120) });
    // baseline (120 + 4) / 220 = 0.5636 + 0.15 > 0.49
    expect(result.active).toBe(false);
  });

  it('never fires on one or two items, even with minCount at its floor and no history', () => {
    const lenient = detector(
      'type: negative-share-spike, minCount: 3, margin: 0, prior: { share: 0.2, weight: 20 }',
    );
    for (const current of [counts(1, 1), counts(2, 2)]) {
      const result = runDetector(lenient, { current, baseline: counts(0, 0) });
      expect(result.active).toBe(false);
    }
    // Two of two has a lower bound of 0.342 only: nowhere near "all negative".
    expect(
      runDetector(lenient, { current: counts(2, 2), baseline: counts(0, 0) }).values.lowerBound,
    ).toBeCloseTo(0.342372, 5);
  });

  it('uses the prior for a topic without history, so a handful of items does not fire', () => {
    const result = runDetector(spike, { current: counts(8, 5), baseline: counts(0, 0) });
    // baseline = prior 0.2 → threshold 0.35; lower bound of 5/8 is about 0.306
    expect(result.values.baselineShare).toBe(0.2);
    expect(result.active).toBe(false);
  });

  it('needs the short confirmation window to agree', () => {
    const confirmed = detector(
      'type: negative-share-spike, minCount: 8, margin: 0.15, prior: { share: 0.2, weight: 20 }, confirm: { window: 10m, minCount: 3 }',
    );
    const base = { current: counts(10, 8), baseline: counts(100, 10) };
    expect(runDetector(confirmed, { ...base, confirm: counts(5, 4) }).active).toBe(true);
    // 1/4 = 0.25 is below the 0.2667 threshold: the spike is over.
    expect(runDetector(confirmed, { ...base, confirm: counts(4, 1) }).active).toBe(false);
    // Too few items in the short window to confirm anything.
    expect(runDetector(confirmed, { ...base, confirm: counts(2, 2) }).active).toBe(false);
  });

  it('plans the baseline to end where the current window starts, less the offset', () => {
    const now = 1_000 * 24 * 60 * MIN;
    const plan = planWindows(
      detector(
        'type: negative-share-spike, window: 30m, baseline: 24h, baselineOffset: 1h, confirm: { window: 10m }',
      ),
      now,
    );
    expect(plan.current).toEqual({ fromMs: now - 30 * MIN, toMs: now });
    expect(plan.baseline).toEqual({ fromMs: now - 90 * MIN - 24 * 60 * MIN, toMs: now - 90 * MIN });
    expect(plan.confirm).toEqual({ fromMs: now - 10 * MIN, toMs: now });
  });
});

describe('z-score and EWMA', () => {
  const history = [1, 2, 1, 2, 1, 2].map((n) => counts(10, n));

  it('z-score of the negative share against per-bucket history', () => {
    const z = detector(
      'type: negative-zscore, window: 1h, baseline: 6h, minCount: 8, threshold: 3',
    );
    const result = runDetector(z, {
      current: counts(10, 6),
      baseline: counts(60, 9),
      buckets: history,
    });
    // mean 0.15, sample std √(0.015/5) = 0.054772; (0.6 − 0.15) / 0.054772 = 8.2158
    expect(result.values.z).toBeCloseTo(0.45 / Math.sqrt(0.003), 6);
    expect(result.active).toBe(true);
    const calm = runDetector(z, {
      current: counts(10, 2),
      baseline: counts(60, 9),
      buckets: history,
    });
    expect(calm.active).toBe(false);
  });

  it('z-score of the negative count, with the deviation floored at one item', () => {
    const z = detector(
      'type: negative-zscore, metric: negative-count, window: 1h, baseline: 6h, minCount: 3, threshold: 3',
    );
    const result = runDetector(z, {
      current: counts(10, 6),
      baseline: counts(60, 9),
      buckets: history,
    });
    // mean 1.5, std 0.5477 < floor 1 → z = 4.5
    expect(result.value).toBeCloseTo(4.5, 10);
    expect(result.active).toBe(true);
  });

  it('scales the current count to the bucket width', () => {
    const z = detector(
      'type: negative-zscore, metric: negative-count, window: 30m, bucket: 1h, baseline: 6h, minCount: 3',
    );
    const result = runDetector(z, {
      current: counts(10, 3),
      baseline: counts(60, 9),
      buckets: history,
    });
    expect(result.value).toBeCloseTo((6 - 1.5) / 1, 10);
  });

  it('does not trust a baseline with too few non-empty buckets', () => {
    const z = detector('type: negative-zscore, window: 1h, baseline: 6h, minBuckets: 6');
    const sparse = [
      counts(10, 1),
      counts(0, 0),
      counts(10, 2),
      counts(0, 0),
      counts(0, 0),
      counts(10, 1),
    ];
    expect(
      runDetector(z, { current: counts(20, 18), baseline: counts(30, 4), buckets: sparse }).active,
    ).toBe(false);
  });

  it('EWMA weights recent buckets more', () => {
    const e = detector(
      'type: negative-ewma, window: 1h, baseline: 4h, alpha: 0.5, minStd: 0.01, minBuckets: 2, threshold: 3',
    );
    const buckets = [counts(10, 1), counts(10, 2), counts(10, 1), counts(10, 2)];
    const result = runDetector(e, { current: counts(10, 3), baseline: counts(40, 6), buckets });
    // mean 0.1625, std √0.00234375 = 0.048412: z = (0.3 − 0.1625) / 0.048412 = 2.8402
    expect(result.value).toBeCloseTo(0.1375 / Math.sqrt(0.00234375), 6);
    expect(result.active).toBe(false);
    expect(
      runDetector(e, { current: counts(10, 4), baseline: counts(40, 6), buckets }).active,
    ).toBe(true);
  });

  it('plans whole buckets back from the baseline end, oldest first', () => {
    const now = 100 * 60 * MIN;
    const plan = planWindows(detector('type: negative-zscore, window: 1h, baseline: 3h'), now);
    expect(plan.buckets).toEqual([
      { fromMs: now - 4 * 60 * MIN, toMs: now - 3 * 60 * MIN },
      { fromMs: now - 3 * 60 * MIN, toMs: now - 2 * 60 * MIN },
      { fromMs: now - 2 * 60 * MIN, toMs: now - 60 * MIN },
    ]);
  });
});

describe('mean-score drop', () => {
  const drop = detector(
    'type: mean-score-drop, minCount: 8, drop: 0.4, maxMean: 0, prior: { mean: 0, weight: 20 }',
  );

  it('fires when the mean falls by the drop below the smoothed baseline mean', () => {
    const result = runDetector(drop, { current: counts(10, 6, -6), baseline: counts(100, 10, 10) });
    // baseline 10 / 120 = 0.08333; current −0.6; drop 0.68333
    expect(result.values.baselineMeanScore).toBeCloseTo(10 / 120, 8);
    expect(result.value).toBeCloseTo(0.6 + 10 / 120, 8);
    expect(result.active).toBe(true);
  });

  it('stays quiet on a small drop or low volume', () => {
    expect(
      runDetector(drop, { current: counts(10, 2, -2), baseline: counts(100, 10, 10) }).active,
    ).toBe(false);
    expect(
      runDetector(drop, { current: counts(2, 2, -2), baseline: counts(100, 10, 10) }).active,
    ).toBe(false);
  });
});
