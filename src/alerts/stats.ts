/** The statistics the detectors share: Wilson interval, smoothed proportions, moments and EWMA. */

/**
 * Lower end of the Wilson score interval for `successes` out of `trials` at normal quantile `z`.
 * Unlike the plain proportion it shrinks towards 1/2 on small samples, so 2 of 2 is nowhere near 100%.
 */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials <= 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

/** Upper end of the same interval (used in annotations and the mean-score detector's sanity checks). */
export function wilsonUpperBound(successes: number, trials: number, z: number): number {
  if (trials <= 0) return 1;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.min(1, (centre + spread) / (1 + z2 / trials));
}

/**
 * Posterior mean of a proportion under a Beta prior worth `priorWeight` pseudo-observations at
 * `priorShare`: a topic without history sits at the prior instead of at 0/0.
 */
export function smoothedShare(
  successes: number,
  trials: number,
  priorShare: number,
  priorWeight: number,
): number {
  const denominator = trials + priorWeight;
  return denominator > 0 ? (successes + priorShare * priorWeight) / denominator : priorShare;
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  std: number;
}

export function moments(values: readonly number[]): Moments {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, std: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, std: 0 };
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { n, mean, std: Math.sqrt(squares / (n - 1)) };
}

export interface EwmaState {
  n: number;
  mean: number;
  std: number;
}

/**
 * Exponentially weighted mean and standard deviation, oldest value first: the incremental form
 * m ← m + α(x − m), v ← (1 − α)(v + α(x − m_old)²), seeded with the first value.
 */
export function ewma(values: readonly number[], alpha: number): EwmaState {
  let n = 0;
  let mean = 0;
  let variance = 0;
  for (const x of values) {
    if (n === 0) {
      mean = x;
    } else {
      const delta = x - mean;
      mean += alpha * delta;
      variance = (1 - alpha) * (variance + alpha * delta * delta);
    }
    n += 1;
  }
  return { n, mean, std: Math.sqrt(variance) };
}
