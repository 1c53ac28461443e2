/**
 * A log-bucketed latency histogram in the HDR style: 32 sub-buckets per power of two (≤ 3 % error), constant
 * memory however many values are recorded, percentiles read from the bucket counts.
 */

/** Sub-buckets per power of two: the relative width of one bucket is at most 1/32. */
const SUB_BUCKETS = 32;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Bucket index of a value ≥ 1: 32 × its power of two + which 32nd of that power it falls in. */
function bucketOf(value: number): number {
  const v = Math.max(1, value);
  const exponent = Math.floor(Math.log2(v));
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor((v / 2 ** exponent - 1) * SUB_BUCKETS));
  return exponent * SUB_BUCKETS + sub;
}

/** The upper edge of a bucket, reported for a percentile that falls in it (never under-reports). */
function upperEdge(bucket: number): number {
  const exponent = Math.floor(bucket / SUB_BUCKETS);
  const sub = bucket % SUB_BUCKETS;
  return 2 ** exponent * (1 + (sub + 1) / SUB_BUCKETS);
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private largest = 0;

  /** Records one latency in milliseconds; values under 1 ms count as 1 ms. */
  record(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`latency must be a finite number, got ${ms}`);
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total += 1;
    this.largest = Math.max(this.largest, ms);
  }

  get count(): number {
    return this.total;
  }

  /** The smallest bucket edge at or below which a share `q` (0..1) of the values lie; the max is exact. */
  percentile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) return Math.min(this.largest, Math.round(upperEdge(bucket)));
    }
    return this.largest;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      p999: this.percentile(0.999),
      max: Math.round(this.largest),
    };
  }

  /** Counts per power-of-two range, for the printed distribution: `[fromMs, toMs, count]`. */
  octaves(): Array<[number, number, number]> {
    const rows = new Map<number, number>();
    for (const [bucket, count] of this.counts) {
      const exponent = Math.floor(bucket / SUB_BUCKETS);
      rows.set(exponent, (rows.get(exponent) ?? 0) + count);
    }
    return [...rows.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([exponent, count]) => [2 ** exponent, 2 ** (exponent + 1), count]);
  }
}
