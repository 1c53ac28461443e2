/**
 * Samples the process over a load run: RSS, heap, active handles, the generator's backlog and the items inside
 * the pipeline (consumer lag), once per interval; and the least-squares slope of a series, for the soak.
 */

export interface Sample {
  /** Seconds since the sampler started. */
  t: number;
  rssMb: number;
  heapMb: number;
  handles: number;
  /** Items due that the push endpoint has not taken yet. */
  backlog: number;
  /** Items taken but not yet stored (scorer and sink lag together). */
  lag: number;
  /** Items of the run stored so far. */
  stored: number;
}

export interface SampleSources {
  backlog(): number;
  lag(): number;
  stored(): number;
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly startMs = Date.now();

  constructor(
    private readonly sources: SampleSources,
    intervalMs = 1_000,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
    // The sampler must not be what keeps the process alive, nor count itself as a growing handle.
    this.timer.unref();
  }

  stop(): Sample[] {
    clearInterval(this.timer);
    this.timer = undefined;
    this.take();
    return this.samples;
  }

  private take(): void {
    const memory = process.memoryUsage();
    this.samples.push({
      t: Math.round((Date.now() - this.startMs) / 100) / 10,
      rssMb: mb(memory.rss),
      heapMb: mb(memory.heapUsed),
      handles: process.getActiveResourcesInfo().length,
      backlog: this.sources.backlog(),
      lag: this.sources.lag(),
      stored: this.sources.stored(),
    });
  }
}

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
